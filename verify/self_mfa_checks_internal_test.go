package verify

import (
	"errors"
	"fmt"
	"strings"
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

// The roles the self report's sign-in policy checks see come from the
// role-assignment list and, beyond it, from the memberships: a role the
// list does not show is held through a role-assignable group (active only
// while the group holds it, so a policy for that role covers the account
// conditionally), unless the list was denied, when the memberships are the
// account's roles.
func TestSelfMFAPolicyChecksMembershipRoles(t *testing.T) {
	const (
		userID      = "11111111-0000-4000-8000-000000000001"
		teamsAdmin  = "69091246-20e8-4a56-aa4d-066075b2a7a8"
		globalAdmin = "62e90394-69f5-4237-9190-012177145e10"
	)
	policies := directory.SignInPolicies{ConditionalAccess: []directory.ConditionalAccessPolicy{{
		ID: "p-admins", DisplayName: "admins", State: directory.PolicyEnabled,
		Conditions: directory.ConditionalAccessConditions{
			Users:          directory.ConditionalAccessUsers{IncludeRoles: []string{globalAdmin}},
			Applications:   directory.ConditionalAccessApplications{IncludeApplications: []string{directory.PolicyAll}},
			ClientAppTypes: []string{"all"},
		},
		GrantControls: &directory.ConditionalAccessGrantControls{Operator: "OR", BuiltInControls: []string{directory.ControlMFA}},
	}}}
	memberships := []directory.RoleMembership{{RoleTemplateID: teamsAdmin, DirectoryScopeID: "/"}, {RoleTemplateID: globalAdmin, DirectoryScopeID: "/"}}
	for _, tc := range []struct {
		name    string
		list    []directory.RoleAssignment
		listErr error
		want    Status
		via     bool // the evidence says the role is held through a group
	}{
		{"list readable: beyond it through a group",
			[]directory.RoleAssignment{{PrincipalID: userID, RoleDefinitionID: teamsAdmin, DirectoryScopeID: "/"}}, nil, StatusWarn, true},
		{"list denied: the memberships are the roles",
			nil, fmt.Errorf("list role assignments: %w", directory.ErrPermission), StatusPass, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs, _ := selfMFAPolicyChecks(directory.Self{
				User:               directory.User{ID: userID, UserType: directory.UserTypeMember},
				RoleAssignments:    tc.list,
				RoleAssignmentsErr: tc.listErr,
				RoleMemberships:    memberships,
				AuthenticationMethods: []directory.AuthenticationMethod{
					{ID: "p", Type: directory.MethodPassword}, {ID: "a", Type: directory.MethodMicrosoftAuthenticator}},
				SignInPolicies: policies,
			})
			c := cs[0]
			if c.ID != CheckMFAEnforced || c.Status != tc.want {
				t.Fatalf("first check %s %s, want %s %s; evidence: %s", c.ID, c.Status, CheckMFAEnforced, tc.want, c.Evidence)
			}
			if got := strings.Contains(c.Evidence, "Global Administrator through group a role-assignable group"); got != tc.via {
				t.Errorf("evidence names the role as held through a group: %v, want %v; evidence: %s", got, tc.via, c.Evidence)
			}
		})
	}
}
