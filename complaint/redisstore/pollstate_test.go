package redisstore_test

import (
	"testing"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/complaint/complainttest"
	"github.com/tousu-go/tousu/complaint/redisstore"
)

func TestPollStateContract(t *testing.T) {
	srv := needRedis(t)
	rdb := srv.client(t)
	complainttest.TestPollState(t, func(t *testing.T) complaint.PollState {
		return redisstore.New(rdb, redisstore.WithPrefix(uniquePrefix(t)))
	})
}
