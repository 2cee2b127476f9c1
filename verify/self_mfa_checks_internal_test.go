package verify

import (
	"errors"
	"fmt"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/google/go-cmp/cmp"
)

// The self report's sign-in policy checks, for each way the policies can
// come back: denied by design (mfa.enforced not run, listed as not visible,
// unless security defaults were readable and on), unreadable for another
// reason (unknown), or readable (the full checks).
func TestSelfMFAPolicyChecks(t *testing.T) {
	denied := fmt.Errorf("read the tenant's sign-in policies: %w", directory.ErrPermission)
	unavailable := fmt.Errorf("read the tenant's sign-in policies: %w", directory.ErrUnavailable)
	self := func(p directory.SignInPolicies) directory.Self {
		return directory.Self{
			User:                  directory.User{ID: "11111111-0000-4000-8000-000000000001", UserType: directory.UserTypeMember},
			RoleAssignments:       []directory.RoleAssignment{{PrincipalID: "11111111-0000-4000-8000-000000000001", RoleDefinitionID: "69091246-20e8-4a56-aa4d-066075b2a7a8", DirectoryScopeID: "/"}}, // Teams Administrator
			AuthenticationMethods: []directory.AuthenticationMethod{{ID: "p", Type: directory.MethodPassword}, {ID: "a", Type: directory.MethodMicrosoftAuthenticator}},
			SignInPolicies:        p,
		}
	}
	type result struct {
		Statuses   map[string]Status
		NotVisible bool
	}
	for _, tc := range []struct {
		name string
		p    directory.SignInPolicies
		want result
	}{
		{"all denied", directory.FailSignInPolicies(denied),
			result{map[string]Status{CheckMFAPhishingResistant: StatusPass}, true}},
		{"backend cannot read them", directory.FailSignInPolicies(errors.ErrUnsupported),
			result{map[string]Status{CheckMFAPhishingResistant: StatusPass}, true}},
		{"conditional access denied, security defaults on", directory.SignInPolicies{
			SecurityDefaults: directory.SecurityDefaults{IsEnabled: true}, ConditionalAccessErr: denied, AuthenticationStrengthsErr: denied},
			result{map[string]Status{CheckMFAEnforced: StatusPass, CheckMFAPhishingResistant: StatusPass}, true}},
		{"conditional access denied, security defaults off", directory.SignInPolicies{
			ConditionalAccessErr: denied, AuthenticationStrengthsErr: denied},
			result{map[string]Status{CheckMFAPhishingResistant: StatusPass}, true}},
		{"transient failure", directory.FailSignInPolicies(unavailable),
			result{map[string]Status{CheckMFAEnforced: StatusUnknown, CheckMFAPhishingResistant: StatusPass}, false}},
		{"readable, security defaults on", directory.SignInPolicies{SecurityDefaults: directory.SecurityDefaults{IsEnabled: true}},
			result{map[string]Status{CheckMFAEnforced: StatusPass, CheckMFAPhishingResistant: StatusPass}, false}},
		{"readable, nothing enforces", directory.SignInPolicies{},
			result{map[string]Status{CheckMFAEnforced: StatusFail, CheckMFAPhishingResistant: StatusPass}, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs, nv := selfMFAPolicyChecks(self(tc.p))
			got := result{Statuses: map[string]Status{}, NotVisible: len(nv) > 0}
			for _, c := range cs {
				got.Statuses[c.ID] = c.Status
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s\nchecks: %+v", diff, cs)
			}
		})
	}
}
