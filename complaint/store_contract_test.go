package complaint_test

import (
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/complaint/complainttest"
)

func TestMemoryStoreContract(t *testing.T) {
	complainttest.TestStore(t, func(_ *testing.T, ttl time.Duration) complaint.Store {
		return complaint.NewMemoryStore(complaint.WithTTL(ttl))
	})
}
