package allinpaytest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// retmsg texts of FAIL answers. Allinpay documents no error texts for the
// riskfeeback methods; these are chosen [inferred] to read like its messages
// and to say plainly what went wrong, so that a client can map them (a
// signature failure, an unknown complaint). Parameter errors are
// MsgParamPrefix followed by the field name and the problem.
const (
	MsgSignError         = "验签失败"
	MsgSignTypeError     = "不支持的签名方式"
	MsgAppIDError        = "appid不存在"
	MsgCusIDError        = "商户号不存在"
	MsgOrgIDError        = "机构号错误"
	MsgVersionError      = "版本号错误"
	MsgMethodNotFound    = "接口不存在"
	MsgComplaintNotFound = "投诉单不存在"
	MsgImageNotFound     = "图片不存在"
	MsgNotRefundRequest  = "该投诉单不是退款申请"
	MsgRefundDecided     = "退款审批结果已更新"
	MsgSpanTooLong       = "查询时间跨度不能超过30天"
	MsgParamPrefix       = "参数错误:"
)

// answer is what a method returns before it is signed: payload fields on
// success, or a FAIL retmsg.
type answer struct {
	fail   string
	fields map[string]string
}

func fail(msg string) answer                  { return answer{fail: msg} }
func paramError(field, problem string) answer { return fail(MsgParamPrefix + field + problem) }
func success(fields map[string]string) answer { return answer{fields: fields} }

// call is a request that passed the common checks.
type call struct {
	method   string
	cusid    string
	signType SignType
	f        *form
}

func (c *call) get(k string) string { return c.f.fields[k] }

// method describes one riskfeeback method: its documented version ("" when
// no page documents one), its fields, and whether it is a multipart upload.
type method struct {
	version  string
	required []string
	optional []string
	upload   bool
	serve    func(*Server, *call) answer
}

// methods are the riskfeeback methods the fake serves, by their exact,
// case-sensitive names.
var methods = map[string]method{
	"wxcomplaintlistquery": {version: "11", required: []string{"begindate", "enddate"},
		optional: []string{"current_page_num", "page_size", "groupall"}, serve: (*Server).wxList},
	"wxcomplaintdetail": {version: "12", required: []string{"complaint_id"}, serve: (*Server).wxDetail},
	"wxcomplainthistory": {version: "12", required: []string{"complaint_id"},
		optional: []string{"limit", "offset"}, serve: (*Server).wxHistory},
	"complaintsResp": {required: []string{"complaint_id", "response_content"},
		optional: []string{"response_images"}, serve: (*Server).wxReply},
	"complaintsComplete": {required: []string{"complaint_id"}, serve: (*Server).wxComplete},
	"wxcomplaintsrefundprogress": {required: []string{"complaint_id", "action"},
		optional: []string{"launch_refund_day", "reject_reason", "reject_media_list", "remark"}, serve: (*Server).wxRefund},
	"wxmerchantimageupload":  {upload: true, serve: (*Server).wxUpload},
	"wxgetmerchantimage":     {required: []string{"imgurl"}, serve: (*Server).wxImage},
	"wxcomplaintorderdetail": {version: "12", required: []string{"complaintorderid"}, serve: (*Server).wxOrderDetail},
	"alicomplaintqueryv2": {version: "11", optional: []string{"current_page_num", "page_size",
		"gmt_complaint_start", "gmt_complaint_end", "trade_no", "task_id"}, serve: (*Server).aliList},
	"alicomplaintquery": {required: []string{"complain_id"}, serve: (*Server).aliDetail},
	"alicomplaintprocessfinish": {required: []string{"id_list", "process_code"},
		optional: []string{"remark", "img_file_list"}, serve: (*Server).aliFinish},
	"alicomplaintfileupload": {upload: true, serve: (*Server).aliUpload},
}

// Common request fields (fact sheet §2); timestamp is listed on some pages
// only and accepted everywhere, signed like the rest.
var (
	commonRequired = []string{"appid", "cusid", "randomstr", "signtype", "sign"}
	commonOptional = []string{"orgid", "version", "timestamp"}
	timestampRE    = regexp.MustCompile(`^[0-9]{14}$`)
)

// ServeHTTP answers POST <BasePath><method>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, BasePath)
	if !ok || name == "" || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	rec := Request{Method: name}
	defer func() {
		s.mu.Lock()
		s.requests = append(s.requests, rec)
		s.mu.Unlock()
	}()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		rec.Status = http.StatusMethodNotAllowed
		http.Error(w, "method not allowed", rec.Status)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		rec.Status = http.StatusBadRequest
		http.Error(w, "bad request", rec.Status)
		return
	}
	f, perr := parseForm(r.Header.Get("Content-Type"), body)
	if len(body) > maxBodyBytes {
		f, perr = nil, errTooLarge
	}
	if f != nil {
		rec.Fields, rec.File, rec.FileName = cloneValues(f.raw), f.file, f.fileName
	}
	if fault, ok := s.takeFault(name); ok {
		if fault.Delay > 0 {
			t := time.NewTimer(fault.Delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				rec.Status = 0
				return
			}
		}
		switch {
		case fault.Status != 0:
			rec.Status = fault.Status
			http.Error(w, http.StatusText(fault.Status), fault.Status)
			return
		case fault.FailMsg != "":
			s.write(w, &rec, "", fail(fault.FailMsg))
			return
		}
	}
	var a answer
	var st SignType
	if perr != nil {
		a = fail(MsgParamPrefix + perr.Error())
	} else {
		var c *call
		c, a = s.check(name, f)
		if c != nil {
			st = c.signType
			a = methods[name].serve(s, c)
		}
	}
	s.write(w, &rec, st, a)
}

var errTooLarge = errorString("请求过大")

type errorString string

func (e errorString) Error() string { return string(e) }

// check runs the checks every method shares, in the order a gateway would:
// the method, the appid, the sign type, the signature, the merchant, the
// version, then the fields. It returns the call, or nil and the FAIL answer.
func (s *Server) check(name string, f *form) (*call, answer) {
	m, ok := methods[name]
	if !ok {
		return nil, fail(MsgMethodNotFound)
	}
	v := f.fields
	for _, k := range commonRequired {
		if v[k] == "" {
			return nil, paramError(k, "不能为空")
		}
	}
	if v["appid"] != s.cfg.appID {
		return nil, fail(MsgAppIDError)
	}
	st := SignType(v["signtype"])
	if st != s.cfg.signType {
		return nil, fail(MsgSignTypeError)
	}
	if s.cfg.merchant[st].verify(v["appid"], stringToSign(v), v["sign"]) != nil {
		return nil, fail(MsgSignError)
	}
	cusid := v["cusid"]
	if !s.isMerchant(cusid) && (s.cfg.orgID == "" || cusid != s.cfg.orgID) {
		return nil, fail(MsgCusIDError)
	}
	if org := v["orgid"]; org != s.cfg.orgID {
		if org == "" {
			return nil, paramError("orgid", "不能为空")
		}
		return nil, fail(MsgOrgIDError)
	}
	if ver := v["version"]; ver != "" && !s.versionOK(m, ver) {
		return nil, fail(MsgVersionError)
	}
	if len(v["randomstr"]) > 32 {
		return nil, paramError("randomstr", "长度不能超过32")
	}
	if ts := v["timestamp"]; ts != "" && !timestampRE.MatchString(ts) {
		return nil, paramError("timestamp", "格式错误")
	}
	for k := range v {
		if !slices.Contains(commonRequired, k) && !slices.Contains(commonOptional, k) &&
			!slices.Contains(m.required, k) && !slices.Contains(m.optional, k) {
			return nil, paramError(k, "不支持")
		}
	}
	for _, k := range m.required {
		if v[k] == "" {
			return nil, paramError(k, "不能为空")
		}
	}
	switch {
	case m.upload && !f.hasFile:
		return nil, paramError("file", "不能为空")
	case !m.upload && f.multipart:
		return nil, fail(MsgParamPrefix + "Content-Type")
	}
	return &call{method: name, cusid: cusid, signType: st, f: f}, answer{}
}

func (s *Server) versionOK(m method, ver string) bool {
	if s.cfg.strictVer && m.version != "" {
		return ver == m.version
	}
	return ver == "11" || ver == "12"
}

// write sends an answer as Allinpay does: a JSON object of strings; on
// SUCCESS with randomstr and a sign over every field, made with the fake's
// key of the request's sign type under the user id "Allinpay".
func (s *Server) write(w http.ResponseWriter, rec *Request, st SignType, a answer) {
	out := map[string]string{}
	if a.fail != "" {
		out["retcode"], out["retmsg"] = "FAIL", oneLine(a.fail)
	} else {
		for k, v := range a.fields {
			out[k] = v
		}
		s.mu.Lock()
		for k, v := range s.extra {
			out[k] = v
		}
		s.mu.Unlock()
		out["retcode"] = "SUCCESS"
		out["randomstr"] = randomString(16)
		k := s.cfg.allinpay[st]
		if k == nil {
			rec.Status = http.StatusInternalServerError
			http.Error(w, "internal error", rec.Status)
			return
		}
		sig, err := k.sign(allinpayUID, stringToSign(out))
		if err != nil {
			rec.Status = http.StatusInternalServerError
			http.Error(w, "internal error", rec.Status)
			return
		}
		out["sign"] = sig
	}
	s.mu.Lock()
	tamper := s.tamper
	s.mu.Unlock()
	if tamper != nil {
		tamper(rec.Method, out)
	}
	body, err := json.Marshal(out)
	if err != nil {
		rec.Status = http.StatusInternalServerError
		http.Error(w, "internal error", rec.Status)
		return
	}
	rec.Status, rec.RetCode, rec.RetMsg = http.StatusOK, out["retcode"], out["retmsg"]
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// oneLine keeps a retmsg on one line and within 100 characters, the
// documented maximum, whatever a test injects.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 100 {
		s = string([]rune(s)[:100])
	}
	return s
}

const alphanum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// randomString returns n random letters and digits.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphanum[int(b[i])%len(alphanum)]
	}
	return string(b)
}

// records encodes a payload as Allinpay's records field: Base64 of its JSON.
func records(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// recordsAnswer is a SUCCESS answer whose payload is records = v.
func recordsAnswer(v any, extra map[string]string) answer {
	r, err := records(v)
	if err != nil {
		return fail("系统错误")
	}
	fields := map[string]string{"records": r}
	for k, val := range extra {
		fields[k] = val
	}
	return success(fields)
}

// num is a number inside records: a JSON number, or a string under
// WithStringNumbers.
func (s *Server) num(n int64) any {
	if s.cfg.stringNums {
		return strconv.FormatInt(n, 10)
	}
	return n
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
