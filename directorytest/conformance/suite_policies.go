package conformance

import (
	"context"
	"slices"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/google/go-cmp/cmp"
)

// testSignInPolicies covers [directory.SignInPolicyReader] and
// [directory.MemberOfReader] for a backend that implements them: the three
// policy reads succeed on a tenant without injected faults, the built-in
// authentication strengths are there with their documented IDs and the
// Phishing-resistant MFA strength's combinations, every Conditional Access
// policy has an ID and a state, a new user belongs to no group, an unknown
// user's groups fail with ErrNotFound naming it, and a snapshot's parts
// agree with the readers.
func (s suite) testSignInPolicies(t *testing.T) {
	e := s.env(t)
	ctx := context.Background()
	t.Run("Policies", func(t *testing.T) {
		if _, ok := e.dir.(directory.SignInPolicyReader); !ok {
			t.Skipf("%T does not implement directory.SignInPolicyReader", e.dir)
		}
		p, err := directory.ReadSignInPolicies(ctx, e.dir)
		if err != nil || p.SecurityDefaultsErr != nil || p.ConditionalAccessErr != nil || p.AuthenticationStrengthsErr != nil {
			t.Fatalf("ReadSignInPolicies: %v; parts: %v, %v, %v", err, p.SecurityDefaultsErr, p.ConditionalAccessErr, p.AuthenticationStrengthsErr)
		}
		for _, pol := range p.ConditionalAccess {
			if pol.ID == "" || !slices.Contains([]string{directory.PolicyEnabled, directory.PolicyDisabled, directory.PolicyReportOnly}, pol.State) {
				t.Errorf("Conditional Access policy %+v: want an id and a documented state", pol)
			}
		}
		builtIn := map[string]string{
			directory.StrengthMFA:               "Multifactor authentication",
			directory.StrengthPasswordlessMFA:   "Passwordless MFA",
			directory.StrengthPhishingResistant: "Phishing-resistant MFA",
		}
		for _, st := range p.AuthenticationStrengths {
			name, ok := builtIn[st.ID]
			if !ok {
				continue
			}
			delete(builtIn, st.ID)
			if st.DisplayName != name || st.PolicyType != "builtIn" || st.RequirementsSatisfied != "mfa" {
				t.Errorf("built-in strength %s = %q (%s, %s), want %q (builtIn, mfa)", st.ID, st.DisplayName, st.PolicyType, st.RequirementsSatisfied, name)
			}
			if st.ID == directory.StrengthPhishingResistant {
				got := slices.Sorted(slices.Values(st.AllowedCombinations))
				if diff := cmp.Diff([]string{"fido2", "windowsHelloForBusiness", "x509CertificateMultiFactor"}, got); diff != "" {
					t.Errorf("Phishing-resistant MFA combinations (-want +got):\n%s", diff)
				}
			}
		}
		if len(builtIn) > 0 {
			t.Errorf("built-in strengths missing: %v", builtIn)
		}
		snap, err := directory.ReadSnapshot(ctx, e.dir, directory.SnapshotRequest{User: e.upn("nobody-policies"), SignInPolicies: true})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, snap.SignInPolicies); diff != "" {
			t.Errorf("Snapshot.SignInPolicies differs from ReadSignInPolicies (-reader +snapshot):\n%s", diff)
		}
	})
	t.Run("TransitiveMemberOf", func(t *testing.T) {
		if _, ok := e.dir.(directory.MemberOfReader); !ok {
			t.Skipf("%T does not implement directory.MemberOfReader", e.dir)
		}
		u := e.create(t, e.upn("svc-groups"))
		gs, err := directory.ReadTransitiveMemberOf(ctx, e.dir, u.ID)
		if err != nil || len(gs) != 0 {
			t.Errorf("TransitiveMemberOf(new user) = %v, %v: want no group", gs, err)
		}
		for _, key := range []string{u.ID, u.UserPrincipalName} {
			snap, err := directory.ReadSnapshot(ctx, e.dir, directory.SnapshotRequest{User: key, MemberOf: true})
			if err != nil || snap.MemberOfErr != nil || len(snap.MemberOf) != 0 {
				t.Errorf("Snapshot(%q).MemberOf = %v, %v, %v: want no group", key, snap.MemberOf, snap.MemberOfErr, err)
			}
		}
		_, err = directory.ReadTransitiveMemberOf(ctx, e.dir, unknownObjectID)
		wantErr(t, "TransitiveMemberOf(unknown)", err, directory.ErrNotFound, unknownObjectID)
		snap, err := directory.ReadSnapshot(ctx, e.dir, directory.SnapshotRequest{User: unknownObjectID, MemberOf: true})
		if err != nil {
			t.Fatal(err)
		}
		wantErr(t, "Snapshot(unknown).MemberOfErr", snap.MemberOfErr, directory.ErrNotFound, unknownObjectID)
	})
}
