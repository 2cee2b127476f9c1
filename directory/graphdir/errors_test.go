package graphdir_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir"
	"github.com/google/go-cmp/cmp"
)

// answer is an HTTP answer a test server gives.
type answer struct {
	status int
	header map[string]string
	body   string
}

// answeringServer answers every request with a, and every request inside a
// $batch with a too (the item's headers and body).
func answeringServer(t *testing.T, a answer) string {
	return serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/$batch") {
			var req struct {
				Requests []struct{ ID string } `json:"requests"`
			}
			_ = json.NewDecoder(r.Body).Decode(&req)
			var resps []map[string]any
			for _, it := range req.Requests {
				item := map[string]any{"id": it.ID, "status": a.status, "headers": a.header}
				if a.body != "" {
					if json.Valid([]byte(a.body)) {
						item["body"] = json.RawMessage(a.body)
					} else {
						item["body"] = a.body
					}
				}
				resps = append(resps, item)
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"responses": resps})
			return
		}
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(a.body))
	}))
}

// The error mapping: every kind of Graph failure, alone and as a $batch
// item, becomes an *Error of exactly one class, with what the answer said.
func TestErrorMapping(t *testing.T) {
	jsonCT := map[string]string{"Content-Type": "application/json"}
	for _, tc := range []struct {
		name   string
		create bool // a role-assignment creation rather than a user read
		answer answer
		class  error
		want   graphdir.Error // fields checked when set
		// noRequestID wants RequestID empty.
		noRequestID bool
	}{
		{
			name:   "404 Request_ResourceNotFound",
			answer: answer{404, jsonCT, `{"error":{"code":"Request_ResourceNotFound","message":"Resource 'x' does not exist or one of its queried reference-property objects are not present.","innerError":{"date":"2024-05-01T10:20:30","request-id":"rid-1","client-request-id":"crid-1"}}}`},
			class:  directory.ErrNotFound,
			want:   graphdir.Error{StatusCode: 404, Code: "Request_ResourceNotFound", Message: "Resource 'x' does not exist or one of its queried reference-property objects are not present.", RequestID: "rid-1", ClientRequestID: "crid-1", Date: time.Date(2024, 5, 1, 10, 20, 30, 0, time.UTC)},
		},
		{
			name:   "404 without a body",
			answer: answer{404, nil, ""},
			class:  directory.ErrNotFound,
			want:   graphdir.Error{StatusCode: 404},
		},
		{
			name:   "code Request_ResourceNotFound on a 400",
			answer: answer{400, jsonCT, `{"error":{"code":"Request_ResourceNotFound","message":"gone"}}`},
			class:  directory.ErrNotFound,
		},
		{
			name:   "duplicate userPrincipalName: details ObjectConflict",
			answer: answer{400, jsonCT, `{"error":{"code":"Request_BadRequest","message":"Another object with the same value for property userPrincipalName already exists.","details":[{"target":"userPrincipalName","code":"ObjectConflict"}]}}`},
			class:  directory.ErrExists,
			want:   graphdir.Error{Code: "Request_BadRequest", Details: []graphdir.ErrorDetail{{Code: "ObjectConflict", Target: "userPrincipalName"}}},
		},
		{
			name:   "409",
			answer: answer{409, jsonCT, `{"error":{"code":"Conflict","message":"conflict"}}`},
			class:  directory.ErrExists,
		},
		{
			name:   "duplicate role assignment",
			create: true,
			answer: answer{400, jsonCT, `{"error":{"code":"Request_BadRequest","message":"A conflicting object with one or more of the specified property values is present in the directory.","innerError":{"request-id":"rid-2"}}}`},
			class:  directory.ErrExists,
			want:   graphdir.Error{RequestID: "rid-2"},
		},
		{
			name:   "the conflicting-object message outside role-assignment creation",
			answer: answer{400, jsonCT, `{"error":{"code":"Request_BadRequest","message":"A conflicting object with one or more of the specified property values is present in the directory."}}`},
			class:  directory.ErrInvalid,
		},
		{
			name:   "another 400 of a role-assignment creation",
			create: true,
			answer: answer{400, jsonCT, `{"error":{"code":"Request_BadRequest","message":"Invalid value specified for property 'directoryScopeId'."}}`},
			class:  directory.ErrInvalid,
		},
		{
			name:   "403 Authorization_RequestDenied",
			answer: answer{403, jsonCT, `{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}`},
			class:  directory.ErrPermission,
		},
		{
			name:   "code Authorization_RequestDenied on a 400",
			answer: answer{400, jsonCT, `{"error":{"code":"Authorization_RequestDenied","message":"no"}}`},
			class:  directory.ErrPermission,
		},
		{
			name:   "401",
			answer: answer{401, jsonCT, `{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid."}}`},
			class:  directory.ErrPermission,
		},
		{
			name:   "403 with an empty code and no message",
			answer: answer{403, jsonCT, `{"error":{"code":"","message":null}}`},
			class:  directory.ErrPermission,
			want:   graphdir.Error{StatusCode: 403},
		},
		{
			name:   "429 with a fractional Retry-After",
			answer: answer{429, map[string]string{"Content-Type": "application/json", "Retry-After": "2.128"}, `{"error":{"code":"TooManyRequests","innerError":{"code":"429","date":"2020-08-18T12:51:51","message":"Please retry after","request-id":"94fb3b52-452a-4535-a601-69e0a90e3aa2","status":"429"},"message":"Please retry again later."}}`},
			class:  directory.ErrThrottled,
			want:   graphdir.Error{Code: "TooManyRequests", RetryAfter: 2128 * time.Millisecond, RequestID: "94fb3b52-452a-4535-a601-69e0a90e3aa2"},
		},
		{
			name:   "500",
			answer: answer{500, jsonCT, `{"error":{"code":"generalException","message":"General exception while processing."}}`},
			class:  directory.ErrUnavailable,
		},
		{
			name:   "503 without a body",
			answer: answer{503, nil, ""},
			class:  directory.ErrUnavailable,
		},
		{
			name:   "502 with an HTML body",
			answer: answer{502, map[string]string{"Content-Type": "text/html"}, "<html><body>Bad Gateway</body></html>"},
			class:  directory.ErrUnavailable,
			want:   graphdir.Error{Message: "<html><body>Bad Gateway</body></html>"},
		},
		{
			name:   "older spelling: innererror and requestId",
			answer: answer{404, jsonCT, `{"error":{"code":"Request_ResourceNotFound","message":"m","innererror":{"requestId":"rid-old","date":"2019-01-01T00:00:00"}}}`},
			class:  directory.ErrNotFound,
			want:   graphdir.Error{RequestID: "rid-old"},
		},
		{
			name:   "request ID from the header",
			answer: answer{400, map[string]string{"Content-Type": "application/json", "request-id": "rid-header"}, `{"error":{"code":"BadRequest","message":"m"}}`},
			class:  directory.ErrInvalid,
			want:   graphdir.Error{RequestID: "rid-header"},
		},
		{
			name:        "no request ID: the client-request-id is not one",
			answer:      answer{400, map[string]string{"Content-Type": "application/json", "client-request-id": "crid-header"}, `{"error":{"code":"BadRequest","message":"m"}}`},
			class:       directory.ErrInvalid,
			want:        graphdir.Error{ClientRequestID: "crid-header"},
			noRequestID: true,
		},
		{
			// In a $batch, a body that is not JSON comes as a JSON
			// string; "Test" is valid base64 too, of bytes that are not
			// text.
			name:   "plain text that is also base64",
			answer: answer{400, map[string]string{"Content-Type": "text/plain"}, "Test"},
			class:  directory.ErrInvalid,
			want:   graphdir.Error{Message: "Test"},
		},
		{
			name:   "error not an object",
			answer: answer{400, jsonCT, `{"error":"bad"}`},
			class:  directory.ErrInvalid,
		},
		{
			name:   "wrong types everywhere",
			answer: answer{400, jsonCT, `{"error":{"code":5,"message":["x"],"details":"no","innerError":[1]}}`},
			class:  directory.ErrInvalid,
		},
		{
			name:   "bytes that are not text",
			answer: answer{400, map[string]string{"Content-Type": "application/octet-stream"}, "\xff\xfe\x00\x01"},
			class:  directory.ErrInvalid,
		},
		{
			name:   "405",
			answer: answer{405, jsonCT, `{"error":{"code":"Request_BadRequest","message":"Specified HTTP method is not allowed for the request target."}}`},
			class:  directory.ErrInvalid,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := answeringServer(t, tc.answer)
			dir, err := graphdir.New(&fakeCredential{}, &graphdir.Options{BaseURL: base + "/v1.0", MaxRetries: -1})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			const principal = "11111111-0000-4000-8000-000000000001"
			var single, batched error
			object := "svc@contoso.com"
			if tc.create {
				object = principal
				_, single = dir.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: principal, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: "/"})
				res := dir.CreateRoleAssignments(ctx, []directory.RoleAssignment{{PrincipalID: principal, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: "/"}})
				batched = res[0].Err
			} else {
				_, single = dir.User(ctx, object)
				snap, err := dir.Snapshot(ctx, directory.SnapshotRequest{User: object})
				if err != nil {
					t.Fatalf("Snapshot: %v", err)
				}
				batched = snap.UserErr
			}
			for how, err := range map[string]error{"alone": single, "in a $batch": batched} {
				if got := classOf(err); got != tc.class {
					t.Errorf("%s: %v classified %v, want %v", how, err, got, tc.class)
				}
				var ge *graphdir.Error
				if !errors.As(err, &ge) {
					t.Fatalf("%s: %T is not a *graphdir.Error", how, err)
				}
				if ge.StatusCode != tc.answer.status {
					t.Errorf("%s: StatusCode %d, want %d", how, ge.StatusCode, tc.answer.status)
				}
				if !strings.Contains(ge.Error(), object) || !strings.HasPrefix(ge.Error(), "graphdir: "+ge.Op) {
					t.Errorf("%s: %q does not name the operation and %q", how, ge.Error(), object)
				}
				checkFields(t, how, tc.want, *ge)
				if tc.noRequestID && ge.RequestID != "" {
					t.Errorf("%s: RequestID %q, want none", how, ge.RequestID)
				}
			}
		})
	}
}

// checkFields compares the fields of want that are set.
func checkFields(t *testing.T, how string, want, got graphdir.Error) {
	t.Helper()
	if want.StatusCode != 0 && got.StatusCode != want.StatusCode {
		t.Errorf("%s: StatusCode %d, want %d", how, got.StatusCode, want.StatusCode)
	}
	for _, f := range []struct{ name, want, got string }{
		{"Code", want.Code, got.Code},
		{"Message", want.Message, got.Message},
		{"RequestID", want.RequestID, got.RequestID},
		{"ClientRequestID", want.ClientRequestID, got.ClientRequestID},
	} {
		if f.want != "" && f.got != f.want {
			t.Errorf("%s: %s %q, want %q", how, f.name, f.got, f.want)
		}
	}
	if !want.Date.IsZero() && !got.Date.Equal(want.Date) {
		t.Errorf("%s: Date %v, want %v", how, got.Date, want.Date)
	}
	if want.RetryAfter != 0 && got.RetryAfter != want.RetryAfter {
		t.Errorf("%s: RetryAfter %v, want %v", how, got.RetryAfter, want.RetryAfter)
	}
	if want.Details != nil {
		if diff := cmp.Diff(want.Details, got.Details); diff != "" {
			t.Errorf("%s: Details mismatch (-want +got):\n%s", how, diff)
		}
	}
	if want.StatusCode == 403 && want.Message == "" && got.Message != "" {
		t.Errorf("%s: Message %q, want none", how, got.Message)
	}
}

// No answer at all: a transport failure is ErrUnavailable; the context's
// own error is no sentinel.
func TestErrorMappingWithoutAnswer(t *testing.T) {
	base := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		conn.Close()
	}))
	dir, err := graphdir.New(&fakeCredential{}, &graphdir.Options{BaseURL: base + "/v1.0", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = dir.User(context.Background(), "svc@contoso.com")
	var ge *graphdir.Error
	if !errors.Is(err, directory.ErrUnavailable) || !errors.As(err, &ge) || ge.Err == nil || ge.StatusCode != 0 {
		t.Errorf("err = %#v, want ErrUnavailable with the transport error", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = dir.User(ctx, "svc@contoso.com")
	if !errors.Is(err, context.Canceled) || classOf(err) != nil || !strings.Contains(err.Error(), "svc@contoso.com") {
		t.Errorf("err = %v, want context.Canceled naming the user and no sentinel", err)
	}
}
