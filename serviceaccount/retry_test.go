package serviceaccount_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/serviceaccount"
)

// throttledError is a 429 that asks for a wait, the way graphdir's error
// carries Retry-After.
type throttledError struct{ wait time.Duration }

func (e throttledError) Error() string {
	return fmt.Sprintf("throttled (retry after %v)", e.wait)
}
func (e throttledError) Unwrap() error             { return directory.ErrThrottled }
func (e throttledError) RetryDelay() time.Duration { return e.wait }

// failTimes fails op with err the first n times it is called.
func failTimes(n int, err error, op directorytest.Op) directorytest.FaultFunc {
	var mu sync.Mutex
	return func(o directorytest.Op, object string) error {
		mu.Lock()
		defer mu.Unlock()
		if o != op || n == 0 {
			return nil
		}
		n--
		return fmt.Errorf("fault: %s %q: %w", o, object, err)
	}
}

// lossCounts says how many answers of each write lossyDir loses.
type lossCounts struct {
	createLost, assignLost int
	duplicateAsInvalid     bool
}

// lossyDir applies writes but loses their answers (a connection dropped
// after the service applied the request) the first times they are made,
// and can answer a duplicate role assignment the way Microsoft's field
// answer does: a 400 with nothing that says conflict (ErrInvalid).
type lossyDir struct {
	*directorytest.Fake
	mu                               sync.Mutex
	createLost, assignLost, delLost  int
	duplicateAsInvalid               bool
	roleAssignmentReads, assignCalls int
}

func lost(what string) error {
	return fmt.Errorf("lossy: %s: connection reset: %w", what, directory.ErrUnavailable)
}

func (d *lossyDir) take(n *int) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if *n == 0 {
		return false
	}
	*n--
	return true
}

func (d *lossyDir) CreateUser(ctx context.Context, nu directory.NewUser) (directory.User, error) {
	u, err := d.Fake.CreateUser(ctx, nu)
	if err == nil && d.take(&d.createLost) {
		return directory.User{}, lost("create user " + nu.UserPrincipalName)
	}
	return u, err
}

func (d *lossyDir) CreateRoleAssignments(ctx context.Context, as []directory.RoleAssignment) []directory.RoleAssignmentResult {
	d.mu.Lock()
	d.assignCalls++
	d.mu.Unlock()
	out := d.Fake.CreateRoleAssignments(ctx, as)
	drop := d.take(&d.assignLost)
	for i := range out {
		switch {
		case drop:
			out[i].Err = lost("assign " + out[i].Assignment.RoleDefinitionID)
		case d.duplicateAsInvalid && errors.Is(out[i].Err, directory.ErrExists):
			out[i].Err = fmt.Errorf("400 Request_BadRequest: %w", directory.ErrInvalid)
		}
	}
	return out
}

func (d *lossyDir) RoleAssignments(ctx context.Context, principalID string) ([]directory.RoleAssignment, error) {
	d.mu.Lock()
	d.roleAssignmentReads++
	d.mu.Unlock()
	return d.Fake.RoleAssignments(ctx, principalID)
}

func (d *lossyDir) DeleteUserAndRoleAssignments(ctx context.Context, id string, assignmentIDs []string) error {
	err := d.Fake.DeleteUserAndRoleAssignments(ctx, id, assignmentIDs)
	if err == nil && d.take(&d.delLost) {
		return lost("delete user " + id)
	}
	return err
}

// retryRecorder collects EventRetry events and the log.
type retryRecorder struct {
	mu     sync.Mutex
	events []serviceaccount.Event
	log    bytes.Buffer
}

func (r *retryRecorder) options() *serviceaccount.Options {
	return &serviceaccount.Options{
		Logger: slog.New(slog.NewTextHandler(&r.log, nil)),
		OnEvent: func(e serviceaccount.Event) {
			if e.Kind == serviceaccount.EventRetry {
				r.mu.Lock()
				r.events = append(r.events, e)
				r.mu.Unlock()
			}
		},
	}
}

// A transient fault of any step is absorbed: the first call succeeds, each
// retry is an event and a log line, and the wait honours Retry-After.
func TestProvisionRetriesTransientFaults(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fault    directorytest.FaultFunc
		lossy    lossCounts
		minWait  time.Duration
		retries  int
		creates  int
		wantStep string
	}{
		{name: "read throttled twice", fault: failTimes(2, throttledError{7 * time.Second}, directorytest.OpSnapshot),
			minWait: 7 * time.Second, retries: 2, creates: 1, wantStep: "read account"},
		{name: "read unavailable", fault: failTimes(1, directory.ErrUnavailable, directorytest.OpSnapshot),
			retries: 1, creates: 1, wantStep: "read account"},
		{name: "create throttled", fault: failTimes(1, throttledError{1500 * time.Millisecond}, directorytest.OpCreateUser),
			minWait: 1500 * time.Millisecond, retries: 1, creates: 2, wantStep: "create user"},
		{name: "create unavailable before the write", fault: failTimes(1, directory.ErrUnavailable, directorytest.OpCreateUser),
			retries: 1, creates: 2, wantStep: "create user"},
		{name: "create answer lost after the write", lossy: lossCounts{createLost: 1},
			retries: 1, creates: 2, wantStep: "create user"},
		{name: "assignments throttled", fault: failTimes(1, throttledError{3 * time.Second}, directorytest.OpCreateRoleAssignments),
			minWait: 3 * time.Second, retries: 1, creates: 1, wantStep: `assign role "Exchange Administrator"`},
		{name: "assignment answer lost after the write", lossy: lossCounts{assignLost: 1},
			retries: 1, creates: 1, wantStep: `assign role "Exchange Administrator"`},
		{name: "assignment answer lost twice, duplicate answered as a bare 400", lossy: lossCounts{assignLost: 2, duplicateAsInvalid: true},
			retries: 2, creates: 1, wantStep: `assign role "Exchange Administrator"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, clk := newFake(t)
			fake.SetFault(tc.fault)
			dir := &lossyDir{Fake: fake, createLost: tc.lossy.createLost, assignLost: tc.lossy.assignLost, duplicateAsInvalid: tc.lossy.duplicateAsInvalid}
			rec := &retryRecorder{}
			res, err := newProvisioner(dir, clk, rec.options()).Provision(context.Background(), validSpec())
			if err != nil {
				t.Fatalf("Provision under a transient fault: %v", err)
			}
			if !res.Created || res.Password.IsZero() {
				t.Errorf("Created=%v password set=%v; want the account created by this call, with its password", res.Created, !res.Password.IsZero())
			}
			var changes []string
			for _, c := range res.Changes {
				changes = append(changes, string(c.Action)+" "+c.Object)
			}
			want := []string{"create-user " + testUPN, "assign-role Teams Administrator", "assign-role Exchange Administrator"}
			if diff := cmp.Diff(want, changes, sortStrings); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(atTenant(teamsAdminID, exchangeAdminID), heldRoles(t, fake, res.Account.ID)); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
			if n := len(fake.Users()); n != 1 {
				t.Errorf("%d users, want 1", n)
			}
			creates := 0
			for _, c := range fake.Calls() {
				if c.Op == directorytest.OpCreateUser {
					creates++
				}
			}
			if creates != tc.creates {
				t.Errorf("CreateUser called %d times, want %d", creates, tc.creates)
			}
			if len(rec.events) != tc.retries {
				t.Fatalf("%d retry events, want %d: %+v", len(rec.events), tc.retries, rec.events)
			}
			for i, e := range rec.events {
				if e.Attempt != i+1 || e.Wait < tc.minWait || e.Wait <= 0 || !directory.IsTemporary(e.Err) ||
					!strings.HasPrefix(e.Message, tc.wantStep) || e.UserPrincipalName != testUPN {
					t.Errorf("retry event %d = %+v; want attempt %d, a wait of at least %v, a transient Err, a message naming %q", i, e, i+1, tc.minWait, tc.wantStep)
				}
			}
			log := rec.log.String()
			if n := strings.Count(log, "serviceaccount: retry: "); n != tc.retries {
				t.Errorf("%d retry log lines, want %d:\n%s", n, tc.retries, log)
			}
			for _, attr := range []string{"attempt=1", "next=", "error="} {
				if !strings.Contains(log, attr) {
					t.Errorf("the retry log line lacks %s:\n%s", attr, log)
				}
			}
		})
	}
}

var sortStrings = cmpopts.SortSlices(func(a, b string) bool { return a < b })

// A transient fault that outlasts RetryTimeout ends the call: the error
// says it was transient and the deadline spent, and the new account is
// rolled back.
func TestProvisionRetryDeadlineSpent(t *testing.T) {
	fake, clk := newFake(t)
	fake.SetFault(failOps(directory.ErrUnavailable, directorytest.OpCreateRoleAssignments))
	rec := &retryRecorder{}
	opts := rec.options()
	opts.RetryTimeout = time.Minute
	_, err := newProvisioner(fake, clk, opts).Provision(context.Background(), validSpec())
	var se *serviceaccount.Error
	if !errors.As(err, &se) || !directory.IsTemporary(err) || se.Outcome != serviceaccount.OutcomeRolledBack {
		t.Fatalf("Provision = %v; want a transient *Error, rolled back", err)
	}
	if !strings.Contains(err.Error(), "transient fault, still failing when the retry deadline was spent") {
		t.Errorf("error %q does not say the fault was transient and the deadline spent", err)
	}
	if len(rec.events) < 5 {
		t.Errorf("%d retries in a minute, want more", len(rec.events))
	}
	last := rec.events[len(rec.events)-1]
	if last.Elapsed+last.Wait > time.Minute {
		t.Errorf("last retry waited until %v, beyond RetryTimeout", last.Elapsed+last.Wait)
	}
	if len(fake.Users()) != 0 {
		t.Errorf("left behind: %v", fake.Users())
	}
}

// A permanent fault is not retried.
func TestProvisionPermanentFaultNotRetried(t *testing.T) {
	for _, sentinel := range []error{directory.ErrPermission, directory.ErrInvalid} {
		t.Run(sentinel.Error(), func(t *testing.T) {
			fake, clk := newFake(t)
			fake.SetFault(failOps(sentinel, directorytest.OpCreateRoleAssignments))
			dir := &lossyDir{Fake: fake}
			rec := &retryRecorder{}
			_, err := newProvisioner(dir, clk, rec.options()).Provision(context.Background(), validSpec())
			var se *serviceaccount.Error
			if !errors.As(err, &se) || !errors.Is(err, sentinel) || directory.IsTemporary(err) || se.Outcome != serviceaccount.OutcomeRolledBack {
				t.Fatalf("Provision = %v; want a permanent %v, rolled back", err, sentinel)
			}
			if len(rec.events) != 0 || dir.assignCalls != 1 {
				t.Errorf("%d retries and %d assignment calls; want none and 1", len(rec.events), dir.assignCalls)
			}
			if strings.Contains(err.Error(), "transient") {
				t.Errorf("error %q calls a permanent fault transient", err)
			}
			// An invalid answer may be a duplicate assignment: it is
			// decided from state, with one read of the assignments.
			wantReads := 0
			if sentinel == directory.ErrInvalid {
				wantReads = 1
			}
			if dir.roleAssignmentReads < wantReads {
				t.Errorf("%d reads of the role assignments, want %d", dir.roleAssignmentReads, wantReads)
			}
		})
	}
}

// Deprovision retries a transient delete, and a delete whose answer was
// lost after it was applied counts as done once a read confirms it.
func TestDeprovisionRetriesTransientFaults(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fault   directorytest.FaultFunc
		delLost int
		retries int
	}{
		{name: "delete answer lost after the write", delLost: 1},
		{name: "delete throttled", fault: failTimes(2, throttledError{2 * time.Second}, directorytest.OpDeleteUserAndRoleAssignments), retries: 2},
		{name: "read unavailable", fault: failTimes(1, directory.ErrUnavailable, directorytest.OpSnapshot), retries: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, _, res := provisioned(t, validSpec())
			clk := newFakeClock()
			fake.SetFault(tc.fault)
			rec := &retryRecorder{}
			dir := &lossyDir{Fake: fake, delLost: tc.delLost}
			if err := newProvisioner(dir, clk, rec.options()).Deprovision(context.Background(), res.Account); err != nil {
				t.Fatalf("Deprovision under a transient fault: %v", err)
			}
			if len(fake.Users()) != 0 || len(fake.AllRoleAssignments()) != 0 {
				t.Errorf("left behind: users %v, assignments %v", fake.Users(), fake.AllRoleAssignments())
			}
			if len(rec.events) != tc.retries {
				t.Errorf("%d retry events, want %d", len(rec.events), tc.retries)
			}
		})
	}
}

// A delete that keeps failing transiently ends Deprovision with a transient
// error once RetryTimeout is spent; the account is still there.
func TestDeprovisionRetryDeadlineSpent(t *testing.T) {
	fake, _, res := provisioned(t, validSpec())
	fake.SetFault(failOps(directory.ErrUnavailable, directorytest.OpDeleteUserAndRoleAssignments))
	err := newProvisioner(fake, newFakeClock(), &serviceaccount.Options{RetryTimeout: 30 * time.Second}).Deprovision(context.Background(), res.Account)
	var se *serviceaccount.Error
	if !errors.As(err, &se) || se.Step != "delete account" || !directory.IsTemporary(err) {
		t.Fatalf("Deprovision = %v; want a transient *Error at step delete account", err)
	}
	fake.SetFault(nil)
	if len(fake.Users()) != 1 {
		t.Errorf("users %v, want the account still there", fake.Users())
	}
}
