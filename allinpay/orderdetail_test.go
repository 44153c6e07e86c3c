package allinpay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tousu-go/tousu/complaint"
)

// orderRecords is wxcomplaintorderdetail's records with every field prodoc/2388
// lists, numbers and times as numbers or strings.
func orderRecords(strs bool) string {
	n := func(v int64) string {
		if strs {
			return fmt.Sprintf(`"%d"`, v)
		}
		return fmt.Sprint(v)
	}
	return `{"errcode":` + n(0) + `,"errmsg":"ok","complaintOrder":{"complaintOrderId":"CO123","orderId":"O456","openId":"oUser",` +
		`"headImgUrl":"https://thirdwx.qlogo.cn/avatar","phoneNumber":"13800001234","type":` + n(2) + `,"status":` + n(1) + `,` +
		`"productName":"充电宝租借","totalCostStr":"12.50","createTime":` + n(1714528800) + `,"payTime":` + n(0) + `,` +
		`"expireTime":"2024-05-08 10:00:00","customerMaterial":{"mediaIdList":["m1","m2"],"content":"一直扣费"},"newField":1}}`
}

func TestGetTransactionComplaint(t *testing.T) {
	for _, st := range signTypes {
		for _, strs := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/strings=%v", st, strs), func(t *testing.T) {
				c, f := newTestClient(t, st)
				f.handle = func(m string, form url.Values) (map[string]string, string) {
					if m != "wxcomplaintorderdetail" || form.Get("complaintorderid") != "CO123" {
						return nil, "投诉单不存在"
					}
					return map[string]string{"records": records(t, orderRecords(strs))}, ""
				}
				got, err := c.GetTransactionComplaint(context.Background(), &GetTransactionComplaintRequest{ComplaintOrderID: "CO123", CusID: "990000000000001"})
				if err != nil {
					t.Fatal(err)
				}
				r := f.requests[0]
				if r.Get("version") != "12" || r.Get("cusid") != "990000000000001" || !regexp.MustCompile(`^20[0-9]{12}$`).MatchString(r.Get("timestamp")) {
					t.Fatalf("form %v", r)
				}
				ts, err := time.ParseInLocation("20060102150405", r.Get("timestamp"), time.FixedZone("CST", 8*3600))
				if err != nil || time.Since(ts).Abs() > time.Minute {
					t.Fatalf("timestamp %q is not now in China time", r.Get("timestamp"))
				}
				want := TransactionComplaint{
					ComplaintOrderID: "CO123", OrderID: "O456", OpenID: "oUser", HeadImgURL: "https://thirdwx.qlogo.cn/avatar",
					PhoneNumber: "13800001234", Type: 2, Status: 1, ProductName: "充电宝租借", TotalCostStr: "12.50",
					CreateTime: time.Unix(1714528800, 0), ExpireTime: time.Date(2024, 5, 8, 2, 0, 0, 0, time.UTC),
					CustomerMaterial: CustomerMaterial{MediaIDList: []string{"m1", "m2"}, Content: "一直扣费"},
				}
				if got.ComplaintOrderID != want.ComplaintOrderID || got.OrderID != want.OrderID || got.OpenID != want.OpenID ||
					got.HeadImgURL != want.HeadImgURL || got.PhoneNumber != want.PhoneNumber || got.Type != 2 || got.Status != 1 ||
					got.ProductName != want.ProductName || got.TotalCostStr != want.TotalCostStr ||
					!got.CreateTime.Equal(want.CreateTime) || !got.PayTime.IsZero() || !got.ExpireTime.Equal(want.ExpireTime) ||
					strings.Join(got.CustomerMaterial.MediaIDList, ",") != "m1,m2" || got.CustomerMaterial.Content != "一直扣费" {
					t.Fatalf("got %#v", got)
				}
				if !strings.Contains(string(got.Raw), `"newField":1`) {
					t.Fatalf("raw %s", got.Raw)
				}
			})
		}
	}
}

func TestGetTransactionComplaintErrors(t *testing.T) {
	c, f := newTestClient(t, SignRSA)
	for _, tc := range []struct {
		field string
		r     *GetTransactionComplaintRequest
	}{
		{"request", nil},
		{"complaintorderid", &GetTransactionComplaintRequest{}},
		{"complaintorderid", &GetTransactionComplaintRequest{ComplaintOrderID: strings.Repeat("1", 33)}},
	} {
		_, err := c.GetTransactionComplaint(context.Background(), tc.r)
		var ve *complaint.ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%+v: %v", tc.r, err)
		}
	}
	if len(f.requests) != 0 {
		t.Fatal("request sent")
	}
	// WeChat's errcode inside a SUCCESS is an *APIError.
	f.handle = func(string, url.Values) (map[string]string, string) {
		return map[string]string{"records": records(t, `{"errcode":"40001","errmsg":"投诉单不存在"}`)}, ""
	}
	got, err := c.GetTransactionComplaint(context.Background(), &GetTransactionComplaintRequest{ComplaintOrderID: "x"})
	var ae *APIError
	if got != nil || !errors.As(err, &ae) || ae.RetCode != "40001" || ae.Method != "wxcomplaintorderdetail" || !errors.Is(err, complaint.ErrNotFound) {
		t.Fatalf("%v, %v", got, err)
	}
	for name, rec := range map[string]string{
		"no order":       `{"errcode":0,"errmsg":"ok"}`,
		"null order":     `{"errcode":0,"complaintOrder":null}`,
		"no id":          `{"errcode":0,"complaintOrder":{"orderId":"1"}}`,
		"bad time":       `{"errcode":0,"complaintOrder":{"complaintOrderId":"1","createTime":true}}`,
		"bad time text":  `{"errcode":0,"complaintOrder":{"complaintOrderId":"1","createTime":"soon"}}`,
		"bad type":       `{"errcode":0,"complaintOrder":{"complaintOrderId":"1","type":"x"}}`,
		"not an object":  `[]`,
		"bad errcode":    `{"errcode":"x"}`,
		"order is array": `{"errcode":0,"complaintOrder":[]}`,
	} {
		f.handle = func(string, url.Values) (map[string]string, string) {
			return map[string]string{"records": records(t, rec)}, ""
		}
		got, err := c.GetTransactionComplaint(context.Background(), &GetTransactionComplaintRequest{ComplaintOrderID: "x"})
		if got != nil || !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, %v", name, got, err)
		}
	}
}

// Prints and logs never show the buyer's phone, openid, avatar or text.
func TestTransactionComplaintPrint(t *testing.T) {
	got, _, _, err := decodeTransactionComplaint([]byte(orderRecords(false)))
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "c", got)
	for _, s := range []string{fmt.Sprint(got), fmt.Sprintf("%+v", *got), fmt.Sprintf("%#v", *got), logged.String()} {
		if !strings.Contains(s, "CO123") {
			t.Errorf("no id in %s", s)
		}
		for _, secret := range []string{"13800001234", "oUser", "qlogo", "一直扣费"} {
			if strings.Contains(s, secret) {
				t.Errorf("%s printed: %s", secret, s)
			}
		}
	}
}
