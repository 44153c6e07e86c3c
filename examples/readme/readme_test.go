package readme

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/wechatpay"
	"github.com/tousu-go/tousu/wechatpay/wechatpaytest"
)

// readme:start testing
func TestCallbackReachesMyQueue(t *testing.T) {
	srv := wechatpaytest.NewServer() // a fake WeChat Pay: verifies, signs, keeps state
	defer srv.Close()
	seeded := srv.Seed(3) // realistic complaints with Chinese text
	client, err := wechatpay.NewClient(srv.Credentials(), srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan *complaint.Event, 1)
	sink := complaint.SinkFunc(func(_ context.Context, e *complaint.Event) error {
		events <- e // your sink here
		return nil
	})
	mine := httptest.NewServer(complaint.NewHandler(wechatpay.NewReceiver(client), sink,
		complaint.WithEnrichment(client.Adapter())))
	defer mine.Close()

	status, err := srv.NotifyURL(t.Context(), mine.URL, seeded[0].ComplaintID, wechatpay.ActionCreateComplaint)
	if err != nil || status != http.StatusOK {
		t.Fatalf("callback answered %d, %v", status, err)
	}
	if e := <-events; e.Kind != complaint.KindCreated || e.Complaint.ID != seeded[0].ComplaintID {
		t.Errorf("got %v", e)
	}
}

// readme:end

// regions are the marked snippets of the given files, each with its
// common leading tabs removed.
func regions(t *testing.T, files ...string) map[string]string {
	t.Helper()
	re := regexp.MustCompile(`(?s)// readme:start (\S+)\n(.*?)\n\s*// readme:end`)
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if _, dup := out[m[1]]; dup {
				t.Fatalf("snippet %q marked twice", m[1])
			}
			out[m[1]] = strings.TrimRight(m[2], "\n")
		}
	}
	return out
}

// goBlocks returns the ```go blocks of a Markdown text.
func goBlocks(md string) []string {
	re := regexp.MustCompile("(?s)```go\n(.*?)\n```")
	var out []string
	for _, m := range re.FindAllStringSubmatch(md, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestREADMESnippetsAreCompiled fails when a ```go block of README.md is not
// one of the snippets compiled here, byte for byte, or a snippet here is
// not in the README: edit snippets.go (or the test above) and copy it over.
func TestREADMESnippetsAreCompiled(t *testing.T) {
	md, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	snippets := regions(t, "snippets.go", "readme_test.go")
	if len(snippets) < 7 {
		t.Fatalf("found %d marked snippets, want at least 7", len(snippets))
	}
	byText := map[string]string{}
	for name, s := range snippets {
		byText[s] = name
	}
	blocks := goBlocks(string(md))
	used := map[string]int{}
	for i, b := range blocks {
		name, ok := byText[b]
		if !ok {
			first, _, _ := strings.Cut(b, "\n")
			t.Errorf("README go block %d (%q) is not a compiled snippet", i+1, first)
			continue
		}
		used[name]++
	}
	for name := range snippets {
		// Each snippet appears in the English part and in the Chinese one.
		if used[name] != 2 {
			t.Errorf("snippet %q appears %d times in README.md, want 2 (English and 中文)", name, used[name])
		}
	}
}

func TestGoBlocksAndRegions(t *testing.T) {
	md := "x\n```go\nfunc a() {}\n```\n```sh\nls\n```\n```go\nb\nc\n```\n"
	if got := goBlocks(md); len(got) != 2 || got[0] != "func a() {}" || got[1] != "b\nc" {
		t.Errorf("goBlocks = %q", got)
	}
	dir := t.TempDir()
	f := dir + "/x.go"
	src := "package x\n\n// readme:start one\nfunc one() {\n\treturn\n}\n\n// readme:end\n"
	if err := os.WriteFile(f, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := regions(t, f); len(got) != 1 || got["one"] != "func one() {\n\treturn\n}" {
		t.Errorf("regions = %q", got)
	}
}
