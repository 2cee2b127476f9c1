package graphdir_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/google/go-cmp/cmp"
)

func TestThrottledRetryAfterFractional(t *testing.T) {
	e := newEnv(t, nil, nil)
	u := seed(t, e, "svc@contoso.onmicrosoft.com")
	e.srv.ThrottleNext(1, "2.128")
	got, err := e.dir.User(context.Background(), u.ID)
	if err != nil || got.ID != u.ID {
		t.Fatalf("User = %+v, %v", got, err)
	}
	waits := e.sleep.Waits()
	if len(waits) != 1 || waits[0] < 2128*time.Millisecond {
		t.Errorf("waits %v: want one of at least 2.128s (Retry-After: 2.128)", waits)
	}
	if waits[0] > 2129*time.Millisecond {
		t.Errorf("wait %v: want Retry-After honoured, not padded", waits[0])
	}
	if n := e.roundTrips(); n != 2 {
		t.Errorf("%d round trips, want 2", n)
	}
}

// The real timer honours the fractional part too: the retry reaches the
// server no earlier than Retry-After after the 429.
func TestThrottledRetryAfterRealClock(t *testing.T) {
	if testing.Short() {
		t.Skip("sleeps")
	}
	srv := graphtest.NewServer(nil)
	defer srv.Close()
	dir, err := graphdir.New(&fakeCredential{}, &graphdir.Options{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	srv.ThrottleNext(1, "0.25")
	start := time.Now()
	if _, err := dir.Domains(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("retried after %v, before Retry-After 0.25", d)
	}
}

func TestThrottledRetryAfterHTTPDate(t *testing.T) {
	e := newEnv(t, nil, nil)
	e.srv.ThrottleNext(1, time.Now().Add(5*time.Second).UTC().Format(http.TimeFormat))
	if _, err := e.dir.Domains(context.Background()); err != nil {
		t.Fatal(err)
	}
	waits := e.sleep.Waits()
	if len(waits) != 1 || waits[0] < 3*time.Second || waits[0] > 6*time.Second {
		t.Errorf("waits %v: want about 5s", waits)
	}
}

func TestThrottledWithoutRetryAfterBacksOff(t *testing.T) {
	e := newEnv(t, nil, nil)
	e.srv.ThrottleNext(3, "")
	if _, err := e.dir.Domains(context.Background()); err != nil {
		t.Fatal(err)
	}
	waits := e.sleep.Waits()
	if len(waits) != 3 {
		t.Fatalf("waits %v: want 3", waits)
	}
	for i, w := range waits {
		base := time.Second << i
		if w < base/2 || w > base {
			t.Errorf("wait %d = %v, want in [%v, %v]", i, w, base/2, base)
		}
	}
}

func TestThrottledRetriesExhausted(t *testing.T) {
	e := newEnv(t, nil, &graphdir.Options{MaxRetries: 2})
	e.srv.ThrottleNext(10, "1.5")
	_, err := e.dir.Domains(context.Background())
	if !errors.Is(err, directory.ErrThrottled) {
		t.Fatalf("err = %v, want ErrThrottled", err)
	}
	var ge *graphdir.Error
	if !errors.As(err, &ge) || ge.StatusCode != 429 || ge.RetryAfter != 1500*time.Millisecond || ge.Code != "TooManyRequests" || ge.RequestID == "" {
		t.Errorf("error %#v: want 429 TooManyRequests, Retry-After 1.5s, a request ID", ge)
	}
	if n := e.roundTrips(); n != 3 {
		t.Errorf("%d round trips, want 3 (MaxRetries 2)", n)
	}
}

// A Retry-After longer than MaxRetryWait is not waited out.
func TestThrottledRetryAfterBeyondMaxRetryWait(t *testing.T) {
	e := newEnv(t, nil, &graphdir.Options{MaxRetryWait: 10 * time.Second})
	e.srv.ThrottleNext(1, "30")
	_, err := e.dir.Domains(context.Background())
	var ge *graphdir.Error
	if !errors.Is(err, directory.ErrThrottled) || !errors.As(err, &ge) || ge.RetryAfter != 30*time.Second {
		t.Fatalf("err = %v, want ErrThrottled with RetryAfter 30s", err)
	}
	if w := e.sleep.Waits(); len(w) != 0 {
		t.Errorf("waited %v", w)
	}
}

func TestUnavailableThenSuccess(t *testing.T) {
	for _, status := range []int{503, 504} {
		e := newEnv(t, nil, nil)
		e.srv.FailNext(1, status)
		u, err := e.dir.CreateUser(context.Background(), newUser("svc@contoso.onmicrosoft.com"))
		if err != nil || u.ID == "" {
			t.Fatalf("%d then success: CreateUser = %+v, %v", status, u, err)
		}
		if n := e.roundTrips(); n != 2 {
			t.Errorf("%d then success: %d round trips, want 2", status, n)
		}
	}
}

func TestUnavailableExhausted(t *testing.T) {
	e := newEnv(t, nil, &graphdir.Options{MaxRetries: -1})
	e.srv.FailNext(1, 503)
	_, err := e.dir.User(context.Background(), "svc@contoso.onmicrosoft.com")
	if !errors.Is(err, directory.ErrUnavailable) || !strings.Contains(err.Error(), "svc@contoso.onmicrosoft.com") {
		t.Errorf("err = %v, want ErrUnavailable naming the user", err)
	}
	if n := e.roundTrips(); n != 1 {
		t.Errorf("%d round trips, want 1 (retries disabled)", n)
	}
}

// Items throttled inside a $batch (which itself answers 200, or 424) are
// sent again in a new batch after their own Retry-After.
func TestBatchItemThrottled(t *testing.T) {
	for _, batchStatus := range []int{200, 424} {
		ctx := context.Background()
		e := newEnv(t, &graphtest.Options{ThrottledBatchStatus: batchStatus}, nil)
		u := seed(t, e, "svc@contoso.onmicrosoft.com")
		e.srv.ThrottleBatchItems(2, "3.5")
		got, err := e.dir.Snapshot(ctx, snapshotOf(u.ID))
		if err != nil {
			t.Fatal(err)
		}
		checkSnapshot(t, e, got, u)
		reqs := e.srv.Requests()
		if len(reqs) != 2 {
			t.Fatalf("batch status %d: %d round trips, want 2", batchStatus, len(reqs))
		}
		if len(reqs[0].Batch) != 4 || len(reqs[1].Batch) != 2 {
			t.Errorf("batch status %d: batches of %d and %d requests, want 4 then the 2 throttled", batchStatus, len(reqs[0].Batch), len(reqs[1].Batch))
		}
		if w := e.sleep.Waits(); len(w) != 1 || w[0] < 3500*time.Millisecond {
			t.Errorf("batch status %d: waits %v, want one of the items' Retry-After 3.5s", batchStatus, w)
		}
	}
}

func TestBatchItemThrottledCreateRoleAssignments(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil, nil)
	u := seed(t, e, "svc@contoso.onmicrosoft.com")
	var req []directory.RoleAssignment
	for _, id := range roleIDs(5) {
		req = append(req, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: id, DirectoryScopeID: "/"})
	}
	e.srv.ThrottleBatchItems(3, "0.5")
	res := e.dir.CreateRoleAssignments(ctx, req)
	for i, r := range res {
		if r.Err != nil || r.Assignment.ID == "" {
			t.Errorf("result %d = %+v", i, r)
		}
	}
	if n := e.roundTrips(); n != 2 {
		t.Errorf("%d round trips, want 2", n)
	}
	got, _ := e.srv.Directory().RoleAssignments(ctx, u.ID)
	if len(got) != 5 {
		t.Errorf("%d assignments, want 5", len(got))
	}
}

// Throttled items that stay throttled fail with ErrThrottled, each on its
// own; the others succeed.
func TestBatchItemThrottledExhausted(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil, &graphdir.Options{MaxRetries: 1})
	u := seed(t, e, "svc@contoso.onmicrosoft.com")
	e.srv.ThrottleBatchItems(2, "1")
	req := []directory.RoleAssignment{{PrincipalID: u.ID, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: "/"}}
	res := e.dir.CreateRoleAssignments(ctx, req)
	if !errors.Is(res[0].Err, directory.ErrThrottled) || !strings.Contains(res[0].Err.Error(), u.ID) {
		t.Errorf("result = %v, want ErrThrottled naming the principal", res[0].Err)
	}
}

func TestBatchFailedDependencyAsAWhole(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil, nil)
	u := seed(t, e, "svc@contoso.onmicrosoft.com")
	e.srv.FailBatch(1, http.StatusFailedDependency)
	got, err := e.dir.Snapshot(ctx, snapshotOf(u.ID))
	if err != nil {
		t.Fatal(err)
	}
	checkSnapshot(t, e, got, u)
	if n := e.roundTrips(); n != 2 {
		t.Errorf("%d round trips, want 2", n)
	}
	if w := e.sleep.Waits(); len(w) != 1 {
		t.Errorf("waits %v, want one backoff", w)
	}

	e.srv.FailBatch(100, http.StatusFailedDependency)
	_, err = e.dir.Snapshot(ctx, snapshotOf(u.ID))
	if err != nil {
		t.Fatalf("Snapshot: %v (want the parts to carry the errors)", err)
	}
	res := e.dir.CreateRoleAssignments(ctx, []directory.RoleAssignment{{PrincipalID: u.ID, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: "/"}})
	if !errors.Is(res[0].Err, directory.ErrUnavailable) {
		t.Errorf("after retries, a batch answered 424: %v, want ErrUnavailable", res[0].Err)
	}
}

// 403 on authentication methods: that part is unknown (ErrPermission), the
// others are read.
func TestSnapshotPermissionDeniedOnMethods(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil, nil)
	u := seed(t, e, "svc@contoso.onmicrosoft.com")
	e.srv.DenyPermission(graphtest.ListAuthenticationMethods)
	got, err := e.dir.Snapshot(ctx, snapshotOf(u.ID))
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(got.AuthenticationMethodsErr, directory.ErrPermission) || got.AuthenticationMethods != nil {
		t.Errorf("methods = %v, %v: want ErrPermission", got.AuthenticationMethods, got.AuthenticationMethodsErr)
	}
	var ge *graphdir.Error
	if errors.As(got.AuthenticationMethodsErr, &ge) && (ge.Code != "Authorization_RequestDenied" || ge.StatusCode != 403) {
		t.Errorf("error %#v", ge)
	}
	if got.UserErr != nil || got.User.ID != u.ID || got.RoleAssignmentsErr != nil || got.DomainsErr != nil {
		t.Errorf("other parts: %+v", got)
	}
	_, err = e.dir.AuthenticationMethods(ctx, u.ID)
	if !errors.Is(err, directory.ErrPermission) {
		t.Errorf("AuthenticationMethods: %v, want ErrPermission", err)
	}
}

// A POST /users applied by the server whose answer is lost is not sent
// again: it fails with ErrUnavailable, and the user exists.
func TestDroppedConnectionAfterCreateUser(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil, nil)
	e.srv.DropConnection(graphtest.After, graphtest.CreateUser)
	upn := "svc@contoso.onmicrosoft.com"
	_, err := e.dir.CreateUser(ctx, newUser(upn))
	if !errors.Is(err, directory.ErrUnavailable) || !strings.Contains(err.Error(), upn) {
		t.Fatalf("err = %v, want ErrUnavailable naming the user", err)
	}
	if !strings.Contains(err.Error(), "may or may not have been applied") {
		t.Errorf("err = %v: want it to say the outcome is unknown", err)
	}
	if n := len(requestsTo(e, graphtest.CreateUser)); n != 1 {
		t.Errorf("%d POST /users, want 1 (no retry)", n)
	}
	if _, err := e.srv.Directory().User(ctx, upn); err != nil {
		t.Errorf("the user was not created: %v", err)
	}
}

func TestDroppedConnectionBeforeRetriesReads(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil, nil)
	u := seed(t, e, "svc@contoso.onmicrosoft.com")
	e.srv.DropConnection(graphtest.Before, graphtest.GetUser)
	if _, err := e.dir.User(ctx, u.ID); err != nil {
		t.Fatalf("User: %v", err)
	}
	// A $batch of GETs is safe to repeat too.
	e.srv.DropConnection(graphtest.Before, graphtest.Batch)
	got, err := e.dir.Snapshot(ctx, snapshotOf(u.ID))
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	checkSnapshot(t, e, got, u)
}

// A $batch that writes is not repeated after a lost answer.
func TestDroppedConnectionAfterBatchOfWrites(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil, nil)
	u := seed(t, e, "svc@contoso.onmicrosoft.com")
	e.srv.DropConnection(graphtest.After, graphtest.Batch)
	res := e.dir.CreateRoleAssignments(ctx, []directory.RoleAssignment{{PrincipalID: u.ID, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: "/"}})
	if !errors.Is(res[0].Err, directory.ErrUnavailable) || !strings.Contains(res[0].Err.Error(), u.ID) {
		t.Errorf("result = %v, want ErrUnavailable naming the principal", res[0].Err)
	}
	if n := e.roundTrips(); n != 1 {
		t.Errorf("%d round trips, want 1", n)
	}
}

// A user created moments ago is not found by role assignment; graphdir
// reports it (package serviceaccount waits).
func TestReplicationLag(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil, nil)
	e.srv.SetReplicationLag(time.Hour)
	u, err := e.dir.CreateUser(ctx, newUser("svc@contoso.onmicrosoft.com"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.dir.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: "/"})
	var ge *graphdir.Error
	if !errors.Is(err, directory.ErrNotFound) || !errors.As(err, &ge) || ge.Code != "Request_ResourceNotFound" {
		t.Errorf("err = %v, want 404 Request_ResourceNotFound", err)
	}
}

func TestPaging(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, &graphtest.Options{PageSize: 2}, nil)
	fake := e.srv.Directory()
	u := seed(t, e, "svc@contoso.onmicrosoft.com")
	for _, role := range roleIDs(5) {
		if _, err := fake.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: role, DirectoryScopeID: "/"}); err != nil {
			t.Fatal(err)
		}
	}
	want, _ := fake.RoleAssignments(ctx, u.ID)
	got, err := e.dir.RoleAssignments(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RoleAssignments mismatch (-want +got):\n%s", diff)
	}
	if n := e.roundTrips(); n != 3 {
		t.Errorf("5 assignments in pages of 2: %d round trips, want 3", n)
	}
	// In a snapshot: the first page in the batch, the others by GET.
	e.srv.Reset()
	snap, err := e.dir.Snapshot(ctx, snapshotOf(u.ID))
	if err != nil {
		t.Fatal(err)
	}
	checkSnapshot(t, e, snap, u)
	if n := e.roundTrips(); n != 3 {
		t.Errorf("snapshot: %d round trips, want 3", n)
	}
}

// A collection that never ends is cut off.
func TestPagingIsBounded(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/v1.0/domains", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"value":[{"id":"a.example","isVerified":true}],"@odata.nextLink":"http://` + r.Host + `/v1.0/domains?$skiptoken=x"}`))
	})
	base := serve(t, mux)
	dir, err := graphdir.New(&fakeCredential{}, &graphdir.Options{BaseURL: base + "/v1.0"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = dir.Domains(context.Background())
	if !errors.Is(err, directory.ErrUnavailable) || !strings.Contains(err.Error(), "pages") {
		t.Errorf("err = %v, want ErrUnavailable about pages", err)
	}
}

func TestMaxResponseBytes(t *testing.T) {
	e := newEnv(t, nil, &graphdir.Options{MaxResponseBytes: 64})
	_, err := e.dir.Domains(context.Background())
	if !errors.Is(err, directory.ErrUnavailable) || !strings.Contains(err.Error(), "MaxResponseBytes") {
		t.Errorf("err = %v, want ErrUnavailable naming MaxResponseBytes", err)
	}
	snap, err := e.dir.Snapshot(context.Background(), snapshotOf("11111111-0000-4000-8000-000000000001"))
	if !errors.Is(err, directory.ErrUnavailable) {
		t.Errorf("Snapshot = %+v, %v: want ErrUnavailable", snap, err)
	}
}

// The context ends a retry wait.
func TestContextCanceledDuringRetryWait(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := newEnv(t, nil, &graphdir.Options{Sleep: func(ctx context.Context, d time.Duration) error {
		cancel()
		<-ctx.Done()
		return ctx.Err()
	}})
	e.srv.ThrottleNext(1, "30")
	_, err := e.dir.User(ctx, "svc@contoso.onmicrosoft.com")
	if !errors.Is(err, context.Canceled) || errors.Is(err, directory.ErrUnavailable) {
		t.Errorf("err = %v, want context.Canceled only", err)
	}
	if _, err := e.dir.Snapshot(ctx, snapshotOf("svc@contoso.onmicrosoft.com")); !errors.Is(err, context.Canceled) {
		t.Errorf("Snapshot: %v, want context.Canceled", err)
	}
	res := e.dir.CreateRoleAssignments(ctx, []directory.RoleAssignment{{PrincipalID: "p", RoleDefinitionID: teamsAdministrator, DirectoryScopeID: "/"}})
	if !errors.Is(res[0].Err, context.Canceled) {
		t.Errorf("CreateRoleAssignments: %v, want context.Canceled", res[0].Err)
	}
}

// The logger gets every attempt, and neither the token nor the password.
func TestLogging(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := newEnv(t, nil, &graphdir.Options{Logger: log})
	e.srv.ThrottleNext(1, "1")
	nu := newUser("svc@contoso.onmicrosoft.com")
	if _, err := e.dir.CreateUser(context.Background(), nu); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`"method":"POST"`, `"path":"/v1.0/users"`, `"status":429`, `"status":201`, `"request-id":"7e57a11d`, `"duration"`, `"wait"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	for _, secret := range []string{nu.Password.Reveal(), "token-for", "Bearer", "Authorization"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
}
