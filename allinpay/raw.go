package allinpay

import (
	"context"
	"net/url"

	"github.com/tousu-go/tousu/complaint"
)

// RawResponse is a verified Allinpay reply to Call.
type RawResponse struct {
	// Body is the reply exactly as received.
	Body []byte
	// Fields holds every top-level field as received, sign included; all of
	// them were covered by the signature.
	Fields map[string]string
}

// Records returns the records field decoded from Base64: the JSON of the
// business payload of most methods. A reply without records, or with records
// that are not Base64, is ErrMalformed.
func (r *RawResponse) Records() ([]byte, error) { return decodeRecords(r.Fields["records"]) }

// Call is the escape hatch for riskfeeback methods this package does not wrap
// yet: it posts params to the base URL plus method, signed like every other
// call, and returns the reply once its signature verified.
//
// The client adds appid, orgid (when configured), randomstr, signtype and
// sign, which params must not set; cusid (the client's unless params names a
// sub-merchant) and version (the client's WithVersion override for method,
// else "11", unless params sets it). Empty values are neither sent nor signed;
// a key with several values is refused. params is not modified. Call is
// treated as a write: it is retried only with option.Retry.RetryWrites.
func (c *Client) Call(ctx context.Context, method string, params url.Values) (*RawResponse, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	if err := checkMethod(method); err != nil {
		return nil, err
	}
	if params == nil {
		params = url.Values{}
	}
	resp, err := c.call(ctx, endpoint{name: method}, params)
	if err != nil {
		return nil, err
	}
	out := &RawResponse{Body: resp.body, Fields: make(map[string]string, len(resp.fields))}
	for _, p := range resp.fields {
		out.Fields[p.Key] = p.Value
	}
	return out, nil
}

// checkMethod accepts a bare riskfeeback method name: ASCII letters, digits
// and '_' (a '/', '?' or '#' would post somewhere else than the method).
func checkMethod(method string) error {
	if method == "" || len(method) > 64 || !isWord(method, "_") {
		return &complaint.ValidationError{Field: "method", Reason: "must be a riskfeeback method name"}
	}
	return nil
}
