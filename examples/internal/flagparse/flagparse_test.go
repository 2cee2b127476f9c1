package flagparse_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/examples/internal/flagparse"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/google/go-cmp/cmp"
)

// Hint names -allow-privileged for an error that satisfies
// serviceaccount.ErrPrivileged, whatever its text says.
func TestHint(t *testing.T) {
	spec := serviceaccount.Spec{
		UserPrincipalName: "svc@" + directorytest.DefaultDomain,
		DisplayName:       "svc",
		UsageLocation:     "AU",
		Workloads:         []roles.Workload{roles.Exchange},
		Access:            roles.ReadOnly,
	}
	_, privileged := serviceaccount.New(directorytest.New(nil), nil).Plan(context.Background(), spec)
	if !errors.Is(privileged, serviceaccount.ErrPrivileged) {
		t.Fatalf("Plan = %v, want ErrPrivileged", privileged)
	}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"privileged workload, from Plan", privileged, "check -workloads, -allow-privileged"},
		{"privileged, wrapped, reason silent", fmt.Errorf("provision: %w",
			&serviceaccount.FieldError{Field: "Roles", Value: "Global Administrator", Err: serviceaccount.ErrPrivileged}), "check -roles, -allow-privileged"},
		{"reason mentions AllowPrivileged, not privileged", &serviceaccount.FieldError{Field: "Roles", Value: "x", Reason: "AllowPrivileged"}, "check -roles"},
		{"two fields", errors.Join(
			&serviceaccount.FieldError{Field: "UserPrincipalName", Value: "x", Reason: "bad"},
			&serviceaccount.FieldError{Field: "UsageLocation", Value: "x", Reason: "bad"}), "check -upn, -usage-location"},
		{"no field error", errors.New("boom"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, flagparse.Hint(tc.err)); diff != "" {
				t.Errorf("Hint(%v) (-want +got):\n%s", tc.err, diff)
			}
		})
	}
}
