package allinpaytest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/allinpay/allinpaytest"
)

func rawPost(t *testing.T, c *testClient, method string, fields map[string]string) (int, string) {
	t.Helper()
	resp, err := c.srv.Client().Post(c.srv.URL()+method, "application/x-www-form-urlencoded", strings.NewReader(c.signedForm(fields).Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestFaults(t *testing.T) {
	srv := allinpaytest.NewServer()
	defer srv.Close()
	wc := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{})
	c := newTestClient(t, srv)
	complete := map[string]string{"complaint_id": wc.ComplaintID}

	// Two 503s for complaintsComplete only: other methods pass, the state
	// does not change until the third call.
	srv.InjectFault(allinpaytest.Fault{Method: "complaintsComplete", Count: 2, Status: http.StatusServiceUnavailable})
	c.ok("wxcomplaintdetail", detailFields(wc.ComplaintID))
	for range 2 {
		if st, _ := rawPost(t, c, "complaintsComplete", complete); st != http.StatusServiceUnavailable {
			t.Fatalf("status %d", st)
		}
		if got, _ := srv.WeChatComplaint(wc.ComplaintID); got.State != allinpaytest.StatePending {
			t.Fatal("a faulted request ran")
		}
	}
	c.ok("complaintsComplete", complete)

	// FAIL with a chosen message, for any method, once.
	srv.InjectFault(allinpaytest.Fault{FailMsg: "系统繁忙,请稍后再试"})
	wantMsg(t, c.fail("wxcomplaintdetail", detailFields(wc.ComplaintID)), "系统繁忙,请稍后再试")
	c.ok("wxcomplaintdetail", detailFields(wc.ComplaintID))

	// A slow answer still answers.
	srv.InjectFault(allinpaytest.Fault{Delay: 50 * time.Millisecond})
	start := time.Now()
	c.ok("wxcomplaintdetail", detailFields(wc.ComplaintID))
	if time.Since(start) < 50*time.Millisecond {
		t.Fatal("the slow fault did not delay")
	}

	// A client that gives up before a slow answer leaves the state alone.
	other := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{})
	srv.InjectFault(allinpaytest.Fault{Method: "complaintsComplete", Delay: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL()+"complaintsComplete",
		strings.NewReader(c.signedForm(map[string]string{"complaint_id": other.ComplaintID}).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if _, err := srv.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a timeout, got %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(srv.Requests()) < 8 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got, _ := srv.WeChatComplaint(other.ComplaintID); got.State != allinpaytest.StatePending {
		t.Fatal("the abandoned request ran")
	}
	srv.InjectFault(allinpaytest.Fault{Status: 500, Count: 3})
	srv.ClearFaults()
	c.ok("wxcomplaintdetail", detailFields(wc.ComplaintID))

	reqs := srv.Requests()
	var statuses []int
	for _, r := range reqs[:3] {
		statuses = append(statuses, r.Status)
	}
	if statuses[0] != 200 || statuses[1] != 503 || statuses[2] != 503 {
		t.Fatalf("recorded statuses %v", statuses)
	}
	srv.ResetRequests()
	if len(srv.Requests()) != 0 {
		t.Fatal("ResetRequests")
	}
}
