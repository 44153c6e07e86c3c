package complaint_test

import (
	"testing"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/complaint/complainttest"
)

func TestMemoryPollStateContract(t *testing.T) {
	complainttest.TestPollState(t, func(*testing.T) complaint.PollState {
		return complaint.NewMemoryPollState()
	})
}
