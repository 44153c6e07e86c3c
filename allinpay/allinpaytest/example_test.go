package allinpaytest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/tousu-go/tousu/allinpay/allinpaytest"
)

// Start a fake Allinpay, seed a complaint, and post its COMPLAINT
// notification to a merchant's endpoint, here an httptest server that
// answers as Allinpay expects (after verifying, which a real handler must).
// The first answer is wrong, so Allinpay resends.
func ExampleServer_Deliver() {
	srv := allinpaytest.NewServer(allinpaytest.WithSignType(allinpaytest.SM2))
	defer srv.Close()
	c := srv.AddWeChatComplaint(allinpaytest.WeChatComplaint{ComplaintID: "200201820241120000000000001"})

	calls := 0
	merchant := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		calls++
		if calls == 1 {
			fmt.Fprint(w, "sccuess") // a typo Allinpay does not accept
			return
		}
		fmt.Fprint(w, "success")
	}))
	defer merchant.Close()

	n := srv.ComplaintNotification(c.ComplaintID, allinpaytest.ActionCreateComplaint)
	fmt.Println(n.Fields["risktype"], n.Fields["resource"])
	results, err := srv.Deliver(context.Background(), merchant.URL, n)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range results {
		fmt.Println(r.Status, r.Body, r.Acknowledged, r.After)
	}
	d := srv.Deliveries()[0]
	fmt.Println(d.Form.Get("signtype"), len(d.Form.Get("sign")))
	// Output:
	// COMPLAINT {"action_type":"CREATE_COMPLAINT","complaint_id":"200201820241120000000000001"}
	// 200 sccuess false 0s
	// 200 success true 15s
	// SM2 88
}

// The keys a client is built from, in the forms Allinpay hands out.
func ExampleServer_Keys() {
	srv := allinpaytest.NewServer(allinpaytest.WithSignType(allinpaytest.SM2), allinpaytest.WithAppID("00000156"))
	defer srv.Close()
	k := srv.Keys()
	fmt.Println(srv.AppID(), srv.CusID(), k.SignType)
	fmt.Println(k.Merchant.PrivateKey[:48])
	fmt.Println(k.Allinpay.PublicKey[:36])
	fmt.Println(srv.URL()[len(srv.URL())-len(allinpaytest.BasePath):])
	// Output:
	// 00000156 990581007426001 SM2
	// MIGTAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBHkwdwIBAQQg
	// MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE
	// /cusapi/riskfeeback/
}
