package verify_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
)

// stalled is a tenant whose directory never answers until the context ends.
type stalled struct{ directory.Directory }

func (stalled) Snapshot(ctx context.Context, req directory.SnapshotRequest) (directory.Snapshot, error) {
	<-ctx.Done()
	return directory.Snapshot{}, ctx.Err()
}

func fleetTenant(t *testing.T, i int) verify.Target {
	t.Helper()
	ctx := context.Background()
	f := directorytest.New(nil)
	res, err := serviceaccount.New(f, nil).Provision(ctx, serviceaccount.Spec{
		UserPrincipalName: fmt.Sprintf("svc-%d@%s", i, directorytest.DefaultDomain),
		DisplayName:       "svc", UsageLocation: "AU", Workloads: []roles.Workload{roles.Teams}, Access: roles.Admin,
	})
	if err != nil {
		t.Fatal(err)
	}
	return verify.Target{Name: fmt.Sprintf("tenant-%d", i), Directory: f, Account: res.Account}
}

func TestVerifyFleetStreamsEveryResultAndIsolatesSlowTenants(t *testing.T) {
	const n = 40
	targets := make([]verify.Target, n)
	for i := range targets {
		targets[i] = fleetTenant(t, i)
	}
	// Tenant 0 hangs; it has a short deadline of its own.
	targets[0].Directory = stalled{targets[0].Directory}
	targets[0].Timeout = 200 * time.Millisecond

	seen := map[int]bool{}
	var order []int
	for r := range verify.VerifyFleet(context.Background(), targets, &verify.FleetOptions{Concurrency: 4, Timeout: time.Minute}) {
		if seen[r.Index] {
			t.Fatalf("target %d reported twice", r.Index)
		}
		seen[r.Index] = true
		order = append(order, r.Index)
		if r.Name != targets[r.Index].Name {
			t.Errorf("result %d named %q, want %q", r.Index, r.Name, targets[r.Index].Name)
		}
		switch {
		case r.Index == 0:
			if !errors.Is(r.Err, context.DeadlineExceeded) {
				t.Errorf("stalled tenant: err = %v, want its deadline exceeded", r.Err)
			}
		case r.Err != nil:
			t.Errorf("target %d: %v", r.Index, r.Err)
		default:
			// Not signed in yet: the report has findings, no error.
			if r.Report.Passed() || len(r.Report.Checks) == 0 {
				t.Errorf("target %d: unexpected report %v", r.Index, r.Report)
			}
		}
	}
	if len(seen) != n {
		t.Fatalf("got %d results, want %d", len(seen), n)
	}
	// The stalled tenant held one of four workers; the rest finished first.
	if order[len(order)-1] != 0 {
		t.Errorf("completion order %v: the stalled tenant should finish last", order)
	}
}

func TestVerifyFleetCanceled(t *testing.T) {
	targets := []verify.Target{fleetTenant(t, 1), fleetTenant(t, 2), {Name: "no directory"}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n := 0
	for r := range verify.VerifyFleet(ctx, targets, nil) {
		n++
		if !errors.Is(r.Err, context.Canceled) {
			t.Errorf("target %d: err = %v, want context.Canceled", r.Index, r.Err)
		}
	}
	if n != len(targets) {
		t.Errorf("got %d results, want %d", n, len(targets))
	}
}

func TestVerifyFleetTargetWithoutDirectory(t *testing.T) {
	for r := range verify.VerifyFleet(context.Background(), []verify.Target{{Name: "broken"}}, nil) {
		if !errors.Is(r.Err, directory.ErrInvalid) {
			t.Errorf("err = %v, want ErrInvalid", r.Err)
		}
	}
}
