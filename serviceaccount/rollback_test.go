package serviceaccount_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/google/go-cmp/cmp"
)

// failOps returns a fault that fails the given operations with sentinel.
func failOps(sentinel error, ops ...directorytest.Op) directorytest.FaultFunc {
	return func(op directorytest.Op, object string) error {
		for _, o := range ops {
			if op == o {
				return fmt.Errorf("fault: %s %q: %w", op, object, sentinel)
			}
		}
		return nil
	}
}

var assignOps = []directorytest.Op{directorytest.OpCreateRoleAssignments, directorytest.OpCreateRoleAssignment}

// errorState is the part of a *serviceaccount.Error the rollback tests
// compare.
type errorState struct {
	Step                                  string
	Outcome                               serviceaccount.Outcome
	MessageSays                           string
	AccountExists, AssignmentsOfUserExist bool
}

func TestProvisionRollback(t *testing.T) {
	deleteOps := []directorytest.Op{directorytest.OpDeleteUserAndRoleAssignments, directorytest.OpDeleteUser, directorytest.OpDeleteRoleAssignment}
	for _, tc := range []struct {
		name       string
		primitives bool
		keep       bool
		fault      directorytest.FaultFunc
		want       errorState
		wantIs     error
	}{
		{
			name:   "assignment denied, rolled back",
			fault:  failOps(directory.ErrPermission, assignOps...),
			wantIs: directory.ErrPermission,
			want:   errorState{Step: `assign role "Exchange Administrator"`, Outcome: serviceaccount.OutcomeRolledBack, MessageSays: "rolled back"},
		},
		{
			name:       "assignment denied, rolled back (one call per primitive)",
			primitives: true,
			fault:      failOps(directory.ErrPermission, assignOps...),
			wantIs:     directory.ErrPermission,
			want:       errorState{Step: `assign role "Exchange Administrator"`, Outcome: serviceaccount.OutcomeRolledBack, MessageSays: "rolled back"},
		},
		{
			name:       "second assignment throttled after the first succeeded",
			primitives: true,
			fault: func(op directorytest.Op, object string) error {
				if op == directorytest.OpCreateRoleAssignment && strings.HasPrefix(object, teamsAdminID) {
					return fmt.Errorf("fault: %q: %w", object, directory.ErrThrottled)
				}
				return nil
			},
			wantIs: directory.ErrThrottled,
			want:   errorState{Step: `assign role "Teams Administrator"`, Outcome: serviceaccount.OutcomeRolledBack, MessageSays: "rolled back"},
		},
		{
			name:   "KeepOnFailure leaves the account",
			keep:   true,
			fault:  failOps(directory.ErrPermission, assignOps...),
			wantIs: directory.ErrPermission,
			want: errorState{Step: `assign role "Exchange Administrator"`, Outcome: serviceaccount.OutcomeKept,
				MessageSays: "the account is left in place: Spec.KeepOnFailure is set", AccountExists: true},
		},
		{
			name:   "rollback fails",
			fault:  failOps(directory.ErrPermission, append(assignOps, deleteOps...)...),
			wantIs: directory.ErrPermission,
			want: errorState{Step: `assign role "Exchange Administrator"`, Outcome: serviceaccount.OutcomeRollbackFailed,
				MessageSays: "rollback failed, the account is left in place", AccountExists: true},
		},
		{
			name:       "rollback fails (one call per primitive)",
			primitives: true,
			fault:      failOps(directory.ErrUnavailable, append(assignOps, deleteOps...)...),
			wantIs:     directory.ErrUnavailable,
			want: errorState{Step: `assign role "Exchange Administrator"`, Outcome: serviceaccount.OutcomeRollbackFailed,
				MessageSays: "rollback failed, the account is left in place", AccountExists: true},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, clk := newFake(t)
			fake.SetFault(tc.fault)
			var dir directory.Directory = fake
			if tc.primitives {
				dir = primitivesOnly{fake}
			}
			spec := validSpec()
			spec.KeepOnFailure = tc.keep
			res, err := newProvisioner(dir, clk, nil).Provision(context.Background(), spec)
			if err == nil {
				t.Fatalf("Provision succeeded: %v", res)
			}
			if !errors.Is(err, tc.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.wantIs)
			}
			var se *serviceaccount.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *serviceaccount.Error", err)
			}
			fake.SetFault(nil)
			got := errorState{
				Step: se.Step, Outcome: se.Outcome, MessageSays: tc.want.MessageSays,
				AccountExists:          userExists(t, fake, testUPN),
				AssignmentsOfUserExist: len(heldRoles(t, fake, firstUserID)) > 0,
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("outcome (-want +got):\n%s\nerror: %v", diff, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want.MessageSays) {
				t.Errorf("error %q does not say %q", msg, tc.want.MessageSays)
			}
			if !strings.Contains(msg, `serviceaccount: provision "`+testUPN+`": `+tc.want.Step) {
				t.Errorf("error %q does not name the account and the step", msg)
			}
			if se.Op != "provision" || se.Account != testUPN {
				t.Errorf("Op, Account = %q, %q", se.Op, se.Account)
			}
			if (se.Outcome == serviceaccount.OutcomeRollbackFailed) != (se.RollbackErr != nil) {
				t.Errorf("Outcome %v with RollbackErr %v", se.Outcome, se.RollbackErr)
			}
			if tc.want.Outcome == serviceaccount.OutcomeRollbackFailed && !errors.Is(se.RollbackErr, tc.wantIs) {
				t.Errorf("RollbackErr = %v, want it classified %v", se.RollbackErr, tc.wantIs)
			}
			if tc.want.Outcome.AccountLeft() && !strings.Contains(msg, "left in place") {
				t.Errorf("error %q does not say the account is left in place", msg)
			}
			if !tc.want.Outcome.AccountLeft() && strings.Contains(msg, "left in place") {
				t.Errorf("error %q says the account is left, but it is gone", msg)
			}

			// A re-run after the half-done run converges, without a
			// conflict with the account left behind.
			res, err = newProvisioner(fake, clk, nil).Provision(context.Background(), validSpec())
			if err != nil {
				t.Fatalf("re-run: %v", err)
			}
			if res.Created == tc.want.AccountExists {
				t.Errorf("re-run Created = %v; the account existed: %v", res.Created, tc.want.AccountExists)
			}
			if diff := cmp.Diff(atTenant(teamsAdminID, exchangeAdminID), heldRoles(t, fake, res.Account.ID)); diff != "" {
				t.Errorf("roles after the re-run (-want +got):\n%s", diff)
			}
		})
	}
}

// A failure on an account that existed before the call never deletes it.
func TestProvisionFailureKeepsExistingAccount(t *testing.T) {
	teamsOnly := validSpec()
	teamsOnly.Workloads = []roles.Workload{roles.Teams}
	fake, p, first := provisioned(t, teamsOnly)
	fake.SetFault(failOps(directory.ErrPermission, assignOps...))
	_, err := p.Provision(context.Background(), validSpec())
	if !errors.Is(err, directory.ErrPermission) {
		t.Fatalf("Provision = %v, want ErrPermission", err)
	}
	var se *serviceaccount.Error
	if !errors.As(err, &se) || se.Outcome != serviceaccount.OutcomeNotCreated || se.RollbackErr != nil {
		t.Errorf("error = %#v; want not created, no rollback", se)
	}
	if strings.Contains(err.Error(), "rolled back") {
		t.Errorf("error %q speaks of a rollback", err)
	}
	fake.SetFault(nil)
	if !userExists(t, fake, first.Account.ID) {
		t.Fatal("the existing account was deleted")
	}
	if diff := cmp.Diff(atTenant(teamsAdminID), heldRoles(t, fake, first.Account.ID)); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
	for _, c := range fake.Calls() {
		if c.Op == directorytest.OpDeleteUser || c.Op == directorytest.OpDeleteUserAndRoleAssignments {
			t.Errorf("delete call: %v", c)
		}
	}
}

// Some of the missing roles of an existing account were assigned before a
// failure: the error says the account is left, and why; nothing is deleted.
func TestProvisionPartialFailureOnExistingAccount(t *testing.T) {
	complianceOnly := validSpec()
	complianceOnly.Workloads, complianceOnly.Roles = nil, []string{"Compliance Administrator"}
	fake, clk := newFake(t)
	first, err := newProvisioner(fake, clk, nil).Provision(context.Background(), complianceOnly)
	if err != nil {
		t.Fatal(err)
	}
	fake.SetFault(func(op directorytest.Op, object string) error {
		if op == directorytest.OpCreateRoleAssignment && strings.HasPrefix(object, teamsAdminID) {
			return fmt.Errorf("fault: %q: %w", object, directory.ErrPermission)
		}
		return nil
	})
	spec := validSpec()
	spec.Roles = []string{"Compliance Administrator"}
	_, err = newProvisioner(primitivesOnly{fake}, clk, nil).Provision(context.Background(), spec)
	var se *serviceaccount.Error
	if !errors.As(err, &se) || !errors.Is(err, directory.ErrPermission) {
		t.Fatalf("Provision = %v, want a *serviceaccount.Error classified ErrPermission", err)
	}
	if se.Outcome != serviceaccount.OutcomePartlyConverged || se.Step != `assign role "Teams Administrator"` {
		t.Errorf("Outcome=%v Step=%q; want partly converged", se.Outcome, se.Step)
	}
	if want := "the account is left in place: it existed before this call; 1 of its missing roles were assigned"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	fake.SetFault(nil)
	if diff := cmp.Diff(atTenant(complianceAdminID, exchangeAdminID), heldRoles(t, fake, first.Account.ID)); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
}

// A context cancelled during the replication wait still rolls back.
func TestProvisionCancelledDuringReplicationWait(t *testing.T) {
	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprintf("KeepOnFailure=%v", keep), func(t *testing.T) {
			clk := newFakeClock()
			fake := directorytest.New(&directorytest.Options{Now: clk.Now, ReplicationLag: 20 * time.Second})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			sleeps := 0
			p := serviceaccount.New(fake, &serviceaccount.Options{
				Now: clk.Now,
				Sleep: func(ctx context.Context, d time.Duration) error {
					sleeps++
					if sleeps == 3 {
						cancel()
						return ctx.Err()
					}
					return clk.Sleep(ctx, d)
				},
			})
			spec := validSpec()
			spec.KeepOnFailure = keep
			_, err := p.Provision(ctx, spec)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Provision = %v, want context.Canceled", err)
			}
			var se *serviceaccount.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *serviceaccount.Error", err)
			}
			want := serviceaccount.OutcomeRolledBack
			if keep {
				want = serviceaccount.OutcomeKept
			}
			if se.Step != "wait for replication" || se.Outcome != want {
				t.Errorf("Step=%q Outcome=%v; want %v", se.Step, se.Outcome, want)
			}
			if got := userExists(t, fake, testUPN); got != keep {
				t.Errorf("account exists = %v, want %v", got, keep)
			}
			wantMsg := "rolled back"
			if keep {
				wantMsg = "left in place"
			}
			if !strings.Contains(err.Error(), wantMsg) {
				t.Errorf("error %q does not say %q", err, wantMsg)
			}
		})
	}
}

// provisionWithLag runs Provision on a Fake with the given lag and returns
// the Fake, the events, the total simulated wait, the result and the error.
func provisionWithLag(t *testing.T, lag time.Duration, opts serviceaccount.Options) (*directorytest.Fake, []serviceaccount.Event, time.Duration, serviceaccount.Result, error) {
	t.Helper()
	clk := newFakeClock()
	fake := directorytest.New(&directorytest.Options{Now: clk.Now, ReplicationLag: lag})
	var events []serviceaccount.Event
	opts.Now, opts.Sleep = clk.Now, clk.Sleep
	opts.OnEvent = func(e serviceaccount.Event) { events = append(events, e) }
	start := clk.Now()
	res, err := serviceaccount.New(fake, &opts).Provision(context.Background(), validSpec())
	return fake, events, clk.Now().Sub(start), res, err
}

// wantWaits returns the first n waits of the backoff: first, then 1.5
// times longer each time, up to maxWait.
func wantWaits(first, maxWait time.Duration, n int) []time.Duration {
	var out []time.Duration
	w := first
	for range n {
		out = append(out, w)
		w = min(w*3/2, maxWait)
	}
	return out
}

func TestProvisionWaitsOutReplicationLag(t *testing.T) {
	for _, tc := range []struct {
		name             string
		lag              time.Duration
		opts             serviceaccount.Options
		first, maxPoll   time.Duration
		wantWaitsInTotal int
	}{
		{name: "no lag", lag: 0, first: 250 * time.Millisecond, maxPoll: 5 * time.Second, wantWaitsInTotal: 0},
		{name: "20s, defaults", lag: 20 * time.Second, first: 250 * time.Millisecond, maxPoll: 5 * time.Second, wantWaitsInTotal: 10},
		{name: "3s, defaults", lag: 3 * time.Second, first: 250 * time.Millisecond, maxPoll: 5 * time.Second, wantWaitsInTotal: 5},
		{
			name: "20s, 100ms to 1s", lag: 20 * time.Second,
			opts:  serviceaccount.Options{PollInterval: 100 * time.Millisecond, MaxPollInterval: time.Second},
			first: 100 * time.Millisecond, maxPoll: time.Second, wantWaitsInTotal: 24,
		},
		{
			name: "max below first", lag: 2 * time.Second,
			opts:  serviceaccount.Options{PollInterval: time.Second, MaxPollInterval: 10 * time.Millisecond},
			first: time.Second, maxPoll: time.Second, wantWaitsInTotal: 2,
		},
		{
			name: "lag just within the timeout", lag: 60 * time.Second,
			opts:  serviceaccount.Options{ReplicationTimeout: 65 * time.Second},
			first: 250 * time.Millisecond, maxPoll: 5 * time.Second, wantWaitsInTotal: 18,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, events, total, res, err := provisionWithLag(t, tc.lag, tc.opts)
			if err != nil {
				t.Fatalf("Provision: %v", err)
			}
			if diff := cmp.Diff(atTenant(teamsAdminID, exchangeAdminID), heldRoles(t, fake, res.Account.ID)); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
			if total < tc.lag || total > tc.lag+tc.maxPoll {
				t.Errorf("waited %v in total for a lag of %v; want between the lag and lag + %v", total, tc.lag, tc.maxPoll)
			}
			var waits, elapsed []time.Duration
			var attempts []int
			var sum time.Duration
			var wantElapsed []time.Duration
			for _, e := range events {
				if e.Kind != serviceaccount.EventReplicationWait {
					continue
				}
				waits = append(waits, e.Wait)
				elapsed = append(elapsed, e.Elapsed)
				attempts = append(attempts, e.Attempt)
				wantElapsed = append(wantElapsed, sum)
				sum += e.Wait
				if e.UserPrincipalName != testUPN || e.Message == "" {
					t.Errorf("event %+v does not name the account or say what it waits for", e)
				}
			}
			if diff := cmp.Diff(wantWaits(tc.first, tc.maxPoll, tc.wantWaitsInTotal), waits); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantElapsed, elapsed); diff != "" {
				t.Errorf("Elapsed in events (-want +got):\n%s", diff)
			}
			for i := range attempts {
				if attempts[i] != i+1 {
					t.Errorf("attempts = %v, want 1, 2, 3, ...", attempts)
					break
				}
			}
			if sum != total {
				t.Errorf("events announce %v of waits, the clock moved %v", sum, total)
			}
			wantChanges := []serviceaccount.Change{
				{Action: serviceaccount.ActionCreateUser, Object: testUPN, Detail: "temporary password, must change at first sign-in"},
				{Action: serviceaccount.ActionAssignRole, Object: "Exchange Administrator", RoleID: exchangeAdminID, Scope: "/"},
				{Action: serviceaccount.ActionAssignRole, Object: "Teams Administrator", RoleID: teamsAdminID, Scope: "/"},
			}
			if diff := cmp.Diff(wantChanges, res.Changes); diff != "" {
				t.Errorf("Changes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProvisionReplicationTimeout(t *testing.T) {
	for _, tc := range []struct {
		name    string
		lag     time.Duration
		timeout time.Duration
	}{
		{"lag 20s, timeout 10s", 20 * time.Second, 10 * time.Second},
		{"lag 1h, default timeout", time.Hour, 0},
		{"timeout shorter than the first wait", 20 * time.Second, 100 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, _, total, _, err := provisionWithLag(t, tc.lag, serviceaccount.Options{ReplicationTimeout: tc.timeout})
			if !errors.Is(err, directory.ErrNotFound) {
				t.Fatalf("Provision = %v, want ErrNotFound", err)
			}
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 5 * time.Minute
			}
			if total > timeout {
				t.Errorf("waited %v, beyond the timeout %v", total, timeout)
			}
			msg := err.Error()
			for _, want := range []string{"replication lag", "ReplicationTimeout", `assign role "Exchange Administrator"`, testUPN, "rolled back"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not say %q", msg, want)
				}
			}
			var se *serviceaccount.Error
			if !errors.As(err, &se) || se.Outcome != serviceaccount.OutcomeRolledBack {
				t.Errorf("error = %#v; want created and rolled back", se)
			}
			if userExists(t, fake, testUPN) {
				t.Error("the account is left behind")
			}
		})
	}
}

// An injected Sleep without an injected Now: the timeout still holds, by
// the waits asked for, instead of spinning on a clock that does not move.
func TestProvisionReplicationTimeoutWithoutClock(t *testing.T) {
	fake := directorytest.New(&directorytest.Options{ReplicationLag: time.Hour})
	var slept time.Duration
	p := serviceaccount.New(fake, &serviceaccount.Options{
		ReplicationTimeout: time.Minute,
		Sleep:              func(ctx context.Context, d time.Duration) error { slept += d; return nil },
	})
	done := make(chan error, 1)
	go func() {
		_, err := p.Provision(context.Background(), validSpec())
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("Provision = %v, want ErrNotFound", err)
		}
		if slept > time.Minute {
			t.Errorf("asked to sleep %v in total, beyond the 1m timeout", slept)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Provision still polling after 20s of real time for a 1m simulated timeout")
	}
}

// Slow steps are visible in the log: each replication wait is a line with
// its attempt, the time waited so far and the next wait.
func TestProvisionLogsReplicationWaits(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	_, _, _, _, err := provisionWithLag(t, time.Second, serviceaccount.Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	type line struct {
		Level, Msg, UPN string
		Attempt         int
		Elapsed, Next   time.Duration
	}
	var got []line
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var v line
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		got = append(got, v)
	}
	want := []line{
		{Level: "INFO", Msg: "serviceaccount: read: reading the account, its roles and the tenant's domains", UPN: testUPN},
		{Level: "INFO", Msg: "serviceaccount: create-user: creating the account", UPN: testUPN},
		{Level: "INFO", Msg: "serviceaccount: assign-roles: assigning 2 role(s)", UPN: testUPN},
		{Level: "INFO", Msg: "serviceaccount: replication-wait: waiting for the new account to replicate", UPN: testUPN, Attempt: 1, Next: 250 * time.Millisecond},
		{Level: "INFO", Msg: "serviceaccount: assign-roles: assigning 2 role(s)", UPN: testUPN},
		{Level: "INFO", Msg: "serviceaccount: replication-wait: waiting for the new account to replicate", UPN: testUPN, Attempt: 2, Elapsed: 250 * time.Millisecond, Next: 375 * time.Millisecond},
		{Level: "INFO", Msg: "serviceaccount: assign-roles: assigning 2 role(s)", UPN: testUPN},
		{Level: "INFO", Msg: "serviceaccount: replication-wait: waiting for the new account to replicate", UPN: testUPN, Attempt: 3, Elapsed: 625 * time.Millisecond, Next: 562500 * time.Microsecond},
		{Level: "INFO", Msg: "serviceaccount: assign-roles: assigning 2 role(s)", UPN: testUPN},
		{Level: "INFO", Msg: "serviceaccount: done: 3 change(s)", UPN: testUPN},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}
