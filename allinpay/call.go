package allinpay

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/google/go-querystring/query"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/internal/httpc"
	"github.com/tousu-go/tousu/internal/wxcomplaint"
	"github.com/tousu-go/tousu/signing"
)

// endpoint describes one riskfeeback method.
type endpoint struct {
	// name is the method name appended to the base URL, case-sensitive
	// (complaintsResp, complaintsComplete).
	name string
	// version is the documented default version ("11" or "12").
	version string
	// idempotent marks read-only queries, which the client's policy retries.
	idempotent bool
}

// defaultVersion is sent to methods whose page documents none (Call):
// third-party code sends 11 to every complaint method and it works.
const defaultVersion = "11"

// reserved are the common fields the client sets itself; a request that sets
// one is refused. cusid (the sub-merchant in agent and group mode) and
// version may come from the request.
var reserved = []string{"appid", "orgid", "randomstr", "sign", "signtype"}

// response is a reply whose signature verified (retcode SUCCESS).
type response struct {
	method string
	// body is the reply exactly as received.
	body []byte
	// fields are every top-level field, sorted by key, sign included.
	fields []signing.Param
}

// get returns a field's value, "" when absent.
func (r *response) get(key string) string { return lookup(r.fields, key) }

// records returns the records field decoded from Base64: the JSON of the
// business payload. A reply without records is ErrMalformed.
func (r *response) records() ([]byte, error) {
	b, err := decodeRecords(r.get("records"))
	if err != nil {
		return nil, fmt.Errorf("allinpay: %s: %w", r.method, err)
	}
	return b, nil
}

// unmarshalRecords decodes records JSON into v with WeChat's lenient rules
// (wxcomplaint.Unmarshal: empty times as zero, complaint_media_list as object
// or array); types that must also take numbers as strings use
// wxcomplaint.FlexInt64 fields. Errors wrap ErrMalformed.
func unmarshalRecords(b []byte, v any) error {
	if err := wxcomplaint.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: records: %w", ErrMalformed, err)
	}
	return nil
}

// decodeRecords decodes a records value. Allinpay sends standard Base64; line
// breaks (Java's MIME encoders insert them) are dropped and missing padding
// is accepted.
func decodeRecords(s string) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("%w: no records", ErrMalformed)
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	s = strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(s)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: records is not base64", ErrMalformed)
	}
	return b, nil
}

// call is the one request path: it checks ctx, builds and signs the form from
// req (a struct with url tags, encoded by go-querystring, or url.Values),
// posts it to the base URL plus ep.name, and returns the reply once its
// signature verified. retcode other than SUCCESS is an *APIError; a reply
// whose signature does not verify wraps complaint.ErrSignatureInvalid and
// nothing of it is returned. req is never modified.
func (c *Client) call(ctx context.Context, ep endpoint, req any) (*response, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return nil, err
	}
	form, err := c.requestForm(ep, req)
	if err != nil {
		return nil, err
	}
	if ep.idempotent {
		ctx = httpc.Idempotent(ctx)
	}
	resp, err := c.http.R().SetContext(ctx).SetHeader("Accept", "application/json").
		SetFormDataFromValues(form).Post(ep.name)
	if err != nil {
		return nil, fmt.Errorf("allinpay: %s: %w", ep.name, err)
	}
	return c.readResponse(ep.name, resp.StatusCode(), resp.Body())
}

// requestForm returns the signed form for req: the request's non-empty
// fields, then appid, cusid (unless the request names a sub-merchant), orgid
// when configured, version (the request's, the client's override, or ep's),
// a fresh randomstr, signtype and sign.
func (c *Client) requestForm(ep endpoint, req any) (url.Values, error) {
	var in url.Values
	switch r := req.(type) {
	case url.Values:
		in = r
	case nil:
		return nil, &complaint.ValidationError{Field: "request", Reason: "is nil"}
	default:
		var err error
		if in, err = query.Values(req); err != nil {
			return nil, fmt.Errorf("allinpay: %s: encoding request: %w", ep.name, err)
		}
	}
	params := make([]signing.Param, 0, len(in)+7)
	for k, vs := range in {
		if len(vs) > 1 {
			return nil, &complaint.ValidationError{Field: k, Reason: "has more than one value"}
		}
		if len(vs) == 0 || vs[0] == "" {
			continue // empty values are neither sent nor signed
		}
		if slices.Contains(reserved, k) {
			return nil, &complaint.ValidationError{Field: k, Reason: "is set by the client"}
		}
		params = append(params, signing.Param{Key: k, Value: vs[0]})
	}
	has := func(k string) bool {
		return slices.ContainsFunc(params, func(p signing.Param) bool { return p.Key == k })
	}
	if !has("cusid") {
		params = append(params, signing.Param{Key: "cusid", Value: c.cusid})
	}
	if !has("version") {
		params = append(params, signing.Param{Key: "version", Value: c.version(ep)})
	}
	rs, err := c.randomStr()
	if err != nil {
		return nil, err
	}
	params = append(params,
		signing.Param{Key: "appid", Value: c.appid},
		signing.Param{Key: "orgid", Value: c.orgid}, // dropped below when empty
		signing.Param{Key: "randomstr", Value: rs},
		signing.Param{Key: "signtype", Value: string(c.signType)})
	slices.SortFunc(params, func(a, b signing.Param) int { return strings.Compare(a.Key, b.Key) })
	sig, err := c.signer.sign(params)
	if err != nil {
		return nil, fmt.Errorf("allinpay: %s: signing: %w", ep.name, err)
	}
	form := make(url.Values, len(params)+1)
	for _, p := range params {
		if p.Value != "" {
			form.Set(p.Key, p.Value)
		}
	}
	form.Set("sign", sig)
	return form, nil
}

// version is the version sent to ep: the client's override, or ep's default,
// or defaultVersion.
func (c *Client) version(ep endpoint) string {
	if v, ok := c.versions[ep.name]; ok {
		return v
	}
	if ep.version != "" {
		return ep.version
	}
	return defaultVersion
}

// readResponse applies Allinpay's rules to an answer: HTTP 200, a JSON
// object, retcode SUCCESS (else *APIError), and a signature over every field
// but sign that verifies with Allinpay's key of the client's sign type.
// Nothing is decoded before the signature verified.
func (c *Client) readResponse(method string, status int, body []byte) (*response, error) {
	fields, perr := parseFields(body)
	if status != http.StatusOK {
		e := newAPIError(method, status, "", "")
		if perr == nil {
			e = newAPIError(method, status, lookup(fields, "retcode"), lookup(fields, "retmsg"))
		}
		return nil, e
	}
	if perr != nil {
		return nil, fmt.Errorf("allinpay: %s: %w", method, perr)
	}
	retcode, ok := find(fields, "retcode")
	switch {
	case !ok:
		return nil, fmt.Errorf("allinpay: %s: %w: no retcode", method, ErrMalformed)
	case retcode != "SUCCESS":
		return nil, newAPIError(method, status, retcode, lookup(fields, "retmsg"))
	}
	if err := c.verifier.verifyParams(c.signType, fields); err != nil {
		c.log.Warn("allinpay: reply signature did not verify", "method", method, "error", httpc.ErrorText(err))
		return nil, fmt.Errorf("allinpay: %s: reply: %w", method, err)
	}
	return &response{method: method, body: body, fields: fields}, nil
}

// find looks a key up in sorted fields.
func find(fields []signing.Param, key string) (string, bool) {
	i, ok := slices.BinarySearchFunc(fields, key, func(p signing.Param, k string) int { return strings.Compare(p.Key, k) })
	if !ok {
		return "", false
	}
	return fields[i].Value, true
}

// lookup is find without the presence flag.
func lookup(fields []signing.Param, key string) string {
	v, _ := find(fields, key)
	return v
}

// parseFields decodes a reply: one JSON object whose values Allinpay sends
// as strings. Numbers and booleans are taken as their literal text, null as
// empty (so it is not signed), an object or array as its JSON text as
// received [I: Allinpay documents only strings]. A key given twice is
// ErrMalformed: the verifier and the decoder could otherwise see different
// values. The result is sorted by key.
func parseFields(body []byte) ([]signing.Param, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("%w: reply is not a json object", ErrMalformed)
	}
	var fields []signing.Param
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: reply is not a json object", ErrMalformed)
		}
		key := tok.(string) // inside an object, a token before a value is its key
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%w: reply is not a json object", ErrMalformed)
		}
		var val string
		switch raw[0] {
		case '"':
			if err := json.Unmarshal(raw, &val); err != nil {
				return nil, fmt.Errorf("%w: reply is not a json object", ErrMalformed)
			}
		case 'n': // null
		default:
			val = string(raw)
		}
		fields = append(fields, signing.Param{Key: key, Value: val})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%w: reply is not a json object", ErrMalformed)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: data after the json object", ErrMalformed)
	}
	slices.SortStableFunc(fields, func(a, b signing.Param) int { return strings.Compare(a.Key, b.Key) })
	for i := 1; i < len(fields); i++ {
		if fields[i].Key == fields[i-1].Key {
			return nil, fmt.Errorf("%w: field %q appears twice", ErrMalformed, httpc.ProviderText(fields[i].Key))
		}
	}
	return fields, nil
}
