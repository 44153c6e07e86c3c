package allinpay_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/jarcoal/httpmock"

	"github.com/tousu-go/tousu/allinpay"
	"github.com/tousu-go/tousu/option"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/signing/sm2"
)

// A merchant with an RSA key: the appid, the merchant number, and the key as
// Allinpay hands it out (bare Base64 PKCS#8; PEM works too). Allinpay's public
// key is the one it publishes for the environment unless
// Credentials.AllinpayPublicKey names another.
func ExampleNewClient_rsa() {
	key, err := os.ReadFile("testdata/openssl/merchant_rsa_key.b64")
	if err != nil {
		log.Fatal(err)
	}
	c, err := allinpay.NewClient(allinpay.Credentials{
		AppID:      "00000051",
		CusID:      "990581007426001",
		SignType:   allinpay.SignRSA,
		PrivateKey: signing.NewSecret(key),
	}, allinpay.WithEnvironment(allinpay.Test))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c)
	fmt.Println(c.Environment().BaseURL())
	// Output:
	// allinpay.Client{appid=00000051, cusid=990581007426001, signtype=RSA, key=[REDACTED]}
	// https://syb-test.allinpay.com/vsppcusapi/riskfeeback/
}

// An agent with an SM2 key: requests are signed with SM3withSM2 under the
// appid as user id, replies verified under "Allinpay". The agent's own number
// is the CusID (listing covers all its merchants) and the OrgID; calls on one
// complaint name the sub-merchant per request.
func ExampleNewClient_sm2() {
	key, err := os.ReadFile("testdata/openssl/merchant_sm2_key.b64")
	if err != nil {
		log.Fatal(err)
	}
	c, err := allinpay.NewClient(allinpay.Credentials{
		AppID:      "00000051",
		CusID:      "990440148166000",
		OrgID:      "990440148166000",
		SignType:   allinpay.SignSM2,
		PrivateKey: signing.NewSecret(key),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c)
	// Output:
	// allinpay.Client{appid=00000051, cusid=990440148166000, signtype=SM2, key=[REDACTED]}
}

// AllHistory pages through a WeChat complaint's negotiation history
// (wxcomplainthistory); total_count comes only with the first page, and
// breaking out of the loop stops the paging.
func ExampleClient_AllHistory() {
	key, err := os.ReadFile("testdata/openssl/merchant_sm2_key.b64")
	if err != nil {
		log.Fatal(err)
	}
	tlPub, err := os.ReadFile("testdata/openssl/tl_sm2_pub.b64")
	if err != nil {
		log.Fatal(err)
	}
	c, err := allinpay.NewClient(allinpay.Credentials{
		AppID:             "00000051",
		CusID:             "990581007426001",
		SignType:          allinpay.SignSM2,
		PrivateKey:        signing.NewSecret(key),
		AllinpayPublicKey: string(tlPub), // the example's stand-in for Allinpay's key
	}, option.WithTransport(exampleAllinpay()))
	if err != nil {
		log.Fatal(err)
	}
	req := &allinpay.ListHistoryRequest{ComplaintID: "200000020230530232256940819", Limit: 2}
	for h, err := range c.AllHistory(context.Background(), req) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(h.OperateTime.Format("2006-01-02 15:04"), h.Operator, h.OperateType)
	}
	// Output:
	// 2023-05-30 23:58 投诉人 USER_CREATE_COMPLAINT
	// 2023-05-31 09:12 商家 MERCHANT_RESPONSE
	// 2023-05-31 10:40 投诉人 USER_RESPONSE
}

// exampleAllinpay is a tiny stand-in for Allinpay's wxcomplainthistory: it
// pages three items and signs its replies with SM2 under "Allinpay" (it does
// not check request signatures; package allinpaytest is the realistic fake).
func exampleAllinpay() http.RoundTripper {
	keyB64, err := os.ReadFile("testdata/openssl/tl_sm2_key.b64")
	if err != nil {
		log.Fatal(err)
	}
	key, err := sm2.ParsePrivateKey(keyB64)
	if err != nil {
		log.Fatal(err)
	}
	items := []string{
		`{"log_id":"1","operator":"投诉人","operate_time":"2023-05-30T23:58:18+08:00","operate_type":"USER_CREATE_COMPLAINT","complaint_media_list":{"media_type":"USER_COMPLAINT_IMAGE","media_url":[]}}`,
		`{"log_id":"2","operator":"商家","operate_time":"2023-05-31T09:12:00+08:00","operate_type":"MERCHANT_RESPONSE","operate_details":"已联系"}`,
		`{"log_id":"3","operator":"投诉人","operate_time":"2023-05-31T10:40:00+08:00","operate_type":"USER_RESPONSE"}`,
	}
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, "https://cus.allinpay.com/cusapi/riskfeeback/wxcomplainthistory", func(r *http.Request) (*http.Response, error) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		offset, _ := strconv.Atoi(form.Get("offset"))
		limit, _ := strconv.Atoi(form.Get("limit"))
		page := items[min(offset, len(items)):min(offset+limit, len(items))]
		records := `{"offset":` + strconv.Itoa(offset) + `,"limit":` + strconv.Itoa(limit) + `,"data":[` + strings.Join(page, ",") + `]`
		if offset == 0 {
			records += `,"total_count":3`
		}
		rec := base64.StdEncoding.EncodeToString([]byte(records + "}"))
		// Allinpay's string to sign: the non-empty fields but sign, sorted.
		sig, err := sm2.Sign(key, []byte("Allinpay"), []byte("randomstr=x1&records="+rec+"&retcode=SUCCESS"), sm2.Raw)
		if err != nil {
			return nil, err
		}
		reply := map[string]string{"retcode": "SUCCESS", "randomstr": "x1", "records": rec}
		reply["sign"] = signing.EncodeBase64(sig)
		out, _ := json.Marshal(reply)
		return httpmock.NewBytesResponse(http.StatusOK, out), nil
	})
	return mt
}
