package allinpay_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/tousu-go/tousu/allinpay"
	"github.com/tousu-go/tousu/allinpay/allinpaytest"
)

// List a day of WeChat complaints, two a page. The iterator asks for the
// next page only when the loop gets there; MerchantNo is the merchant each
// complaint is against, which an agent passes as CusID to act on it.
func ExampleClient_AllComplaints() {
	srv := allinpaytest.NewServer(allinpaytest.WithSignType(allinpaytest.SM2))
	defer srv.Close()
	cst := time.FixedZone("CST", 8*3600)
	day := time.Date(2024, 5, 1, 0, 0, 0, 0, cst)
	for i, problem := range []string{allinpaytest.ProblemRefund, allinpaytest.ProblemOthers, allinpaytest.ProblemServiceNotWork} {
		srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{
			ComplaintID:   fmt.Sprintf("20000002024050100000000000%d", i),
			ComplaintTime: day.Add(time.Duration(9+i) * time.Hour),
			ProblemType:   problem,
			Detail:        "扣款后未到账",
		})
	}

	c, err := allinpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	req := &allinpay.ListComplaintsRequest{Begin: day, End: day.Add(24*time.Hour - time.Second), PageSize: 2}
	for cp, err := range c.AllComplaints(context.Background(), req) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(cp.ComplaintTime.In(cst).Format(time.TimeOnly), cp.ComplaintID, cp.MerchantNo, cp.ComplaintState, cp.ProblemType)
	}
	fmt.Println(len(srv.Requests()), "requests")
	// Output:
	// 11:00:00 200000020240501000000000002 990581007426001 PENDING SERVICE_NOT_WORK
	// 10:00:00 200000020240501000000000001 990581007426001 PENDING OTHERS
	// 09:00:00 200000020240501000000000000 990581007426001 PENDING REFUND
	// 2 requests
}
