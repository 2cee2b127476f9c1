package consent_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
)

// specWithRoles asks for k distinct built-in roles.
func specWithRoles(k int) serviceaccount.Spec {
	spec := chaosSpec(1000 + k)
	spec.Workloads = nil
	spec.AllowPrivileged = true
	for _, r := range roles.All()[:k] {
		spec.Roles = append(spec.Roles, r.ID)
	}
	return spec
}

func roundTrips(env *graphEnv) (total, writes int) {
	for _, r := range env.srv.Requests() {
		total++
		for _, it := range append([]graphtest.Request{r}, r.Batch...) {
			if it.Method == "POST" && it.Endpoint != graphtest.Batch || it.Method == "DELETE" || it.Method == "PATCH" {
				writes++
			}
		}
	}
	return total, writes
}

// budgetChecker returns a check that the requests env's server has seen
// since the last check stay within max round trips and maxWrites writes,
// logs the counts and resets the server's request log.
func budgetChecker(t *testing.T, env *graphEnv) func(op string, max, maxWrites int) {
	return func(op string, max, maxWrites int) {
		t.Helper()
		n, w := roundTrips(env)
		if n > max || w > maxWrites {
			t.Errorf("%s: %d round trips and %d writes; budget %d and %d", op, n, w, max, maxWrites)
		}
		t.Logf("%s: %d round trip(s), %d write(s)", op, n, w)
		env.srv.Reset()
	}
}

// TestRoundTripBudget counts HTTP requests at the Graph test server for
// each operation (issue "Performance": the budget table in the README).
func TestRoundTripBudget(t *testing.T) {
	for _, k := range []int{1, 3, 10, 19} {
		t.Run(fmt.Sprintf("k=%d", k), func(t *testing.T) {
			ctx := context.Background()
			env := newGraphEnv(t, nil, nil)
			p := newProvisioner(env.dir, env.clock)
			spec := specWithRoles(k)
			budget := budgetChecker(t, env)

			if _, err := p.Plan(ctx, spec); err != nil {
				t.Fatal(err)
			}
			budget("Plan (new account)", 1, 0)

			res, err := p.Provision(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			budget("Provision (new account)", 3, 1+k)
			if got := len(heldRoles(env.fake, res.Account.ID)); got != k {
				t.Fatalf("account holds %d roles, want %d", got, k)
			}

			if _, err := p.Provision(ctx, spec); err != nil {
				t.Fatal(err)
			}
			budget("Provision (converged re-run)", 1, 0)

			if _, err := p.Plan(ctx, spec); err != nil {
				t.Fatal(err)
			}
			budget("Plan (converged)", 1, 0)

			// A new process: a graphdir.Directory that has not seen the
			// account resolves its UPN to the object ID first (Graph
			// filters role assignments by principal ID only).
			fresh := newProvisioner(env.freshDirectory(t), env.clock)
			if _, err := fresh.Plan(ctx, spec); err != nil {
				t.Fatal(err)
			}
			budget("Plan (converged, by UPN, new process)", 2, 0)
			fresh = newProvisioner(env.freshDirectory(t), env.clock)
			if _, err := fresh.Provision(ctx, spec); err != nil {
				t.Fatal(err)
			}
			budget("Provision (converged re-run, by UPN, new process)", 2, 0)

			acct := res.Account
			if _, err := verify.New(env.dir, nil).Verify(ctx, acct); err != nil {
				t.Fatal(err)
			}
			budget("Verify (by ID)", 1, 0)

			if err := p.Deprovision(ctx, acct); err != nil {
				t.Fatal(err)
			}
			budget("Deprovision", 2, 1+k)
			if us := env.fake.Users(); len(us) != 0 {
				t.Fatalf("after Deprovision: %v", us)
			}
		})
	}
}

// TestReplicationWaitEndsWithinOneInterval: with a simulated lag of L,
// Provision's total wait is at most L plus one polling interval.
func TestReplicationWaitEndsWithinOneInterval(t *testing.T) {
	for _, lag := range []time.Duration{300 * time.Millisecond, 2 * time.Second, 7 * time.Second, 20 * time.Second, 45 * time.Second} {
		t.Run(lag.String(), func(t *testing.T) {
			env := newGraphEnv(t, nil, nil)
			env.srv.SetReplicationLag(lag)
			var intervals []time.Duration
			opts := &serviceaccount.Options{Sleep: env.clock.Sleep, Now: env.clock.Now, OnEvent: func(e serviceaccount.Event) {
				if e.Kind == serviceaccount.EventReplicationWait {
					intervals = append(intervals, e.Wait)
				}
			}}
			p := serviceaccount.New(env.dir, opts)
			if _, err := p.Provision(context.Background(), chaosSpec(1)); err != nil {
				t.Fatal(err)
			}
			if len(intervals) == 0 {
				t.Fatal("no replication wait happened")
			}
			last := intervals[len(intervals)-1]
			if env.clock.slept > lag+last {
				t.Errorf("waited %v for a lag of %v; the last interval was %v", env.clock.slept, lag, last)
			}
			if intervals[0] != 250*time.Millisecond {
				t.Errorf("first interval %v, want 250ms", intervals[0])
			}
			n, _ := roundTrips(env)
			t.Logf("lag %v: waited %v in %d intervals (%v), %d round trips", lag, env.clock.slept, len(intervals), intervals, n)
		})
	}
}

// TestReplicationLagBeyondDeadline: the new account is rolled back and the
// error says why.
func TestReplicationLagBeyondDeadline(t *testing.T) {
	env := newGraphEnv(t, nil, nil)
	env.srv.SetReplicationLag(10 * time.Minute)
	p := serviceaccount.New(env.dir, &serviceaccount.Options{Sleep: env.clock.Sleep, Now: env.clock.Now, ReplicationTimeout: time.Minute})
	_, err := p.Provision(context.Background(), chaosSpec(1))
	if err == nil {
		t.Fatal("Provision succeeded despite a lag beyond the deadline")
	}
	var se *serviceaccount.Error
	if !asError(err, &se) || se.Outcome != serviceaccount.OutcomeRolledBack {
		t.Errorf("error %v: want a rolled-back *serviceaccount.Error", err)
	}
	if !isErr(err, directory.ErrNotFound) {
		t.Errorf("error %v: want ErrNotFound", err)
	}
	if us := env.fake.Users(); len(us) != 0 {
		t.Errorf("after rollback the directory holds %v", us)
	}
}

// TestRoundTripBudgetPasswordless counts the round trips of a passwordless
// Provision: the policy read and the pass's create come on top of the
// password path's (the policy is read only when a pass is to be issued).
func TestRoundTripBudgetPasswordless(t *testing.T) {
	for _, k := range []int{1, 19} {
		t.Run(fmt.Sprintf("k=%d", k), func(t *testing.T) {
			ctx := context.Background()
			env := newGraphEnv(t, nil, nil)
			p := newProvisioner(env.dir, env.clock)
			spec := specWithRoles(k)
			spec.TemporaryAccessPass = &serviceaccount.TemporaryAccessPass{UsableOnce: true}
			budget := budgetChecker(t, env)
			if _, err := p.Plan(ctx, spec); err != nil {
				t.Fatal(err)
			}
			budget("Plan (new account)", 2, 0)
			res, err := p.Provision(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			budget("Provision (new account)", 5, 2+k)
			if _, err := p.Provision(ctx, spec); err != nil {
				t.Fatal(err)
			}
			budget("Provision (converged re-run)", 1, 0)
			if _, err := verify.New(env.dir, nil).Verify(ctx, res.Account); err != nil {
				t.Fatal(err)
			}
			budget("Verify (by ID)", 1, 0)
		})
	}
}
