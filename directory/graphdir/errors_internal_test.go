package graphdir

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cloudhub/consent/directory"
)

// FuzzParseError: whatever bytes a failed answer carries, parseError does
// not panic, classifies the failure as exactly one sentinel, and names the
// operation and the object on one line.
func FuzzParseError(f *testing.F) {
	for _, seed := range []struct {
		status int
		body   string
	}{
		{404, `{"error":{"code":"Request_ResourceNotFound","message":"Resource 'x' does not exist or one of its queried reference-property objects are not present.","innerError":{"date":"2024-05-01T10:20:30","request-id":"r","client-request-id":"c"}}}`},
		{400, `{"error":{"code":"Request_BadRequest","message":"Another object with the same value for property userPrincipalName already exists.","details":[{"target":"userPrincipalName","code":"ObjectConflict"}]}}`},
		{400, `{"error":{"code":"Request_BadRequest","message":"A conflicting object with one or more of the specified property values is present in the directory."}}`},
		{429, `{"error":{"code":"TooManyRequests","innerError":{"code":"429","date":"2020-08-18T12:51:51","message":"Please retry after","request-id":"94fb3b52-452a-4535-a601-69e0a90e3aa2","status":"429"},"message":"Please retry again later."}}`},
		{403, `{"error":{"code":"","message":null}}`},
		{404, `{"error":{"innererror":{"requestId":"old"}}}`},
		{500, `{"error":null}`},
		{400, `{"error":{"code":5,"message":["x"],"details":[null,1,{"code":{}}],"innerError":"x"}}`},
		{502, `<html>Bad Gateway</html>`},
		{400, `"eyJlcnJvciI6e319"`},
		{400, "\xff\xfe\x00"},
		{0, ``},
		{424, `{}`},
		{200, `[]`},
		{999, `{"error":{"message":"` + strings.Repeat("é", 3000) + `"}}`},
	} {
		f.Add(seed.status, []byte(seed.body), "2.128")
	}
	f.Add(429, []byte(`{}`), "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add(503, []byte(`{}`), "-1")
	f.Fuzz(func(t *testing.T, status int, body []byte, retryAfter string) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		for _, o := range []op{opGetUser, opCreateRoleAssignment} {
			e := parseError(o, `"svc@contoso.com"`, status, h, body, nil)
			if e == nil {
				t.Fatal("nil error")
			}
			if classify(e) == nil {
				t.Fatalf("status %d body %q: %v matches no sentinel", status, body, e)
			}
			msg := e.Error()
			if !strings.HasPrefix(msg, "graphdir: "+string(o)+` "svc@contoso.com": `) {
				t.Fatalf("message %q does not name the operation and object", msg)
			}
			if strings.ContainsAny(msg, "\n\r") || !utf8.ValidString(msg) {
				t.Fatalf("message %q is not one printable line", msg)
			}
			if e.RetryAfter < 0 {
				t.Fatalf("negative RetryAfter %v", e.RetryAfter)
			}
		}
	})
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC)
	for _, tc := range []struct {
		value, date string
		want        time.Duration
		ok          bool
	}{
		{"2.128", "", 2128 * time.Millisecond, true},
		{"0.0000001", "", 100 * time.Nanosecond, true},
		{"0.1234567891", "", 123456790 * time.Nanosecond, true},
		{"120", "", 2 * time.Minute, true},
		{" 3 ", "", 3 * time.Second, true},
		{"0", "", 0, true},
		{"-1", "", 0, false},
		{"NaN", "", 0, false},
		{"1e300", "", 0, false},
		{"soon", "", 0, false},
		{"", "", 0, false},
		{"Wed, 21 Oct 2015 07:28:05 GMT", "", 5 * time.Second, true},
		{"Wed, 21 Oct 2015 07:28:05 GMT", "Wed, 21 Oct 2015 07:28:02 GMT", 3 * time.Second, true},
		{"Wed, 21 Oct 2015 07:27:00 GMT", "", 0, true},
	} {
		h := http.Header{}
		h.Set("Retry-After", tc.value)
		if tc.date != "" {
			h.Set("Date", tc.date)
		}
		got, ok := retryAfter(h, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%q, Date %q) = %v, %v; want %v, %v", tc.value, tc.date, got, ok, tc.want, tc.ok)
		}
	}
}

func TestUPNCacheIsBounded(t *testing.T) {
	c := newUPNCache(8)
	for i := range 100 {
		c.put(fmt.Sprintf("u%d@contoso.com", i), fmt.Sprint(i))
	}
	if n := len(c.ids); n > 8 {
		t.Errorf("%d entries, want at most 8", n)
	}
	if got := c.get("U99@CONTOSO.COM"); got != "99" {
		t.Errorf("latest entry = %q, want 99", got)
	}
	c.forgetID("99")
	if got := c.get("u99@contoso.com"); got != "" {
		t.Errorf("after forgetID: %q", got)
	}
	for i := range 100 {
		c.forget(fmt.Sprintf("u%d@contoso.com", i))
		c.put(fmt.Sprintf("u%d@contoso.com", i), "x")
	}
	if n, m := len(c.ids), len(c.order); n > 8 || m > 8 {
		t.Errorf("%d entries, %d slots, want at most 8", n, m)
	}
}

// A $batch item's body that comes as a JSON string is read as base64 only
// when it decodes to text; otherwise it is the message as it is.
func TestParseErrorStringBody(t *testing.T) {
	for _, tc := range []struct {
		body      string // the item's body: a JSON string
		code, msg string
	}{
		{body: `"Test"`, msg: "Test"},
		{body: `"Bad Request"`, msg: "Bad Request"},
		{body: `"////"`, msg: "////"},
		{body: `"SGVsbG8="`, msg: "Hello"},
		{body: `"eyJlcnJvciI6eyJjb2RlIjoiWCIsIm1lc3NhZ2UiOiJtIn19"`, code: "X", msg: "m"}, // standard
		{body: `"eyJlcnJvciI6eyJjb2RlIjoiYT4-PiJ9fQ=="`, code: "a>>>"},                    // URL alphabet
		{body: `"eyJlcnJvciI6eyJjb2RlIjoiYT4-PiJ9fQ"`, code: "a>>>"},                      // URL alphabet, unpadded
	} {
		e := parseError(opGetUser, `"x"`, 400, nil, []byte(tc.body), nil)
		if e.Code != tc.code || e.Message != tc.msg || !errors.Is(e, directory.ErrInvalid) {
			t.Errorf("body %s: code %q message %q class %v; want code %q message %q, ErrInvalid", tc.body, e.Code, e.Message, classify(e), tc.code, tc.msg)
		}
	}
}

// The request ID is the service's (body, then request-id header), never
// the client-request-id this package sent.
func TestParseErrorRequestID(t *testing.T) {
	body := []byte(`{"error":{"code":"BadRequest","message":"m"}}`)
	withInner := []byte(`{"error":{"code":"BadRequest","message":"m","innerError":{"request-id":"rid-body","client-request-id":"crid-body"}}}`)
	for _, tc := range []struct {
		name      string
		header    map[string]string
		body      []byte
		rid, crid string
	}{
		{"client-request-id header only", map[string]string{"client-request-id": "crid"}, body, "", "crid"},
		{"both headers", map[string]string{"client-request-id": "crid", "request-id": "rid"}, body, "rid", "crid"},
		{"no headers", nil, body, "", ""},
		{"innerError", map[string]string{"client-request-id": "crid", "request-id": "rid"}, withInner, "rid-body", "crid-body"},
	} {
		h := http.Header{}
		for k, v := range tc.header {
			h.Set(k, v)
		}
		e := parseError(opGetUser, `"x"`, 400, h, tc.body, nil)
		if e.RequestID != tc.rid || e.ClientRequestID != tc.crid {
			t.Errorf("%s: RequestID %q, ClientRequestID %q; want %q, %q", tc.name, e.RequestID, e.ClientRequestID, tc.rid, tc.crid)
		}
		if tc.rid == "" && strings.Contains(e.Error(), "request-id") {
			t.Errorf("%s: %q names a request-id", tc.name, e.Error())
		}
	}
}
