package serviceaccount_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
)

// A transient fault on a role-path read (PIM eligibility, active schedules,
// group memberships) is retried like the other reads: the Plan has no
// warning about roles it could not read, and the retry is an event. A
// permanent one is not retried and becomes the warning.
func TestPlanRetriesTransientRolePathFaults(t *testing.T) {
	for _, tc := range []struct {
		name     string
		op       directorytest.Op
		err      error
		retries  int
		wantWarn bool
	}{
		{name: "eligibility unavailable", op: directorytest.OpRoleEligibilities, err: directory.ErrUnavailable, retries: 1},
		{name: "active schedules throttled", op: directorytest.OpActiveRoleSchedules, err: throttledError{wait: 2e9}, retries: 1},
		{name: "group memberships unavailable", op: directorytest.OpGroupMemberships, err: directory.ErrUnavailable, retries: 1},
		{name: "eligibility denied: not retried", op: directorytest.OpRoleEligibilities, err: directory.ErrPermission, wantWarn: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, clk := newFake(t)
			ctx := context.Background()
			if _, err := newProvisioner(fake, clk, nil).Provision(ctx, validSpec()); err != nil {
				t.Fatal(err)
			}
			fake.SetFault(failTimes(1, tc.err, tc.op))
			rec := &retryRecorder{}
			pl, err := newProvisioner(fake, clk, rec.options()).Plan(ctx, validSpec())
			if err != nil {
				t.Fatalf("Plan: %v", err)
			}
			warned := false
			for _, w := range pl.Warnings {
				warned = warned || strings.HasPrefix(w, "roles held beyond the spec may be missing")
			}
			if warned != tc.wantWarn || len(rec.events) != tc.retries {
				t.Errorf("warning about unread role paths %v (want %v), %d retries (want %d): warnings %q", warned, tc.wantWarn, len(rec.events), tc.retries, pl.Warnings)
			}
			for _, e := range rec.events {
				if !strings.HasPrefix(e.Message, "read account") || !directory.IsTemporary(e.Err) {
					t.Errorf("retry event %+v: want the read account step and a transient error", e)
				}
			}
		})
	}
}
