package verify

import (
	"errors"
	"strings"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/internal/mfapolicy"
)

// selfPolicyHint is the remediation of a sign-in policy check the
// signed-in account could not read: it names the credential that can.
const selfPolicyHint = "Signed in as the service account, the tenant's sign-in policies cannot be read: that takes Policy.Read.All and, for a signed-in caller, a reader role (Security Reader, Global Reader, Conditional Access Administrator or Security Administrator), which a service account should not hold. Ask the customer to run Verify (admin side) with an app granted Policy.Read.All, or signed in as a Security Reader or Global Reader."

// selfMFAPolicyChecks evaluates the sign-in policies ReadSelf read for the
// signed-in account, when it could read them; otherwise the checks that
// depend on them are unknown, naming the credential that could read them.
func selfMFAPolicyChecks(self directory.Self) []Check {
	p := self.SignInPolicies
	s := mfapolicy.Subject{
		UserID:      self.User.ID,
		Guest:       strings.EqualFold(self.User.UserType, directory.UserTypeGuest),
		Groups:      self.Groups,
		GroupsErr:   self.RoleMembershipsErr,
		RolesErr:    self.RoleAssignmentsErr,
		EligibleErr: errors.New("the self report cannot read PIM eligibilities"),
	}
	listed := map[string]bool{}
	for _, a := range self.RoleAssignments {
		s.Roles = append(s.Roles, mfapolicy.Role{ID: strings.ToLower(a.RoleDefinitionID), Scope: a.DirectoryScopeID})
		if a.DirectoryScopeID == directory.TenantScope {
			listed[strings.ToLower(a.RoleDefinitionID)] = true
		}
	}
	if self.RoleMembershipsErr == nil && self.RoleMemberships != nil {
		// The memberships name the tenant-wide built-in roles, those held
		// through a role-assignable group too; a role the list lacks (or
		// every role, when the list was denied) comes from them.
		limited := false
		for _, m := range self.RoleMemberships {
			id := strings.ToLower(m.RoleTemplateID)
			switch {
			case id == "":
				limited = true
			case listed[id]:
			case self.RoleAssignmentsErr == nil:
				s.Roles = append(s.Roles, mfapolicy.Role{ID: id, Scope: directory.TenantScope, Via: "a role-assignable group"})
			default:
				s.Roles = append(s.Roles, mfapolicy.Role{ID: id, Scope: directory.TenantScope})
			}
		}
		if self.RoleAssignmentsErr != nil {
			s.RolesErr = nil
			if limited {
				s.RolesErr = errors.New("a directory role membership came back without its role template ID")
			}
		}
	}
	cs := []Check{
		assessmentCheck(CheckMFAEnforced, mfapolicy.MFA(s, p)),
		assessmentCheck(CheckMFAPhishingResistant, mfapolicy.PhishingResistant(s, p, self.AuthenticationMethods, self.AuthenticationMethodsErr)),
	}
	for i, c := range cs {
		if c.Status == StatusUnknown && (errors.Is(p.ConditionalAccessErr, directory.ErrPermission) || errors.Is(p.ConditionalAccessErr, errors.ErrUnsupported) ||
			errors.Is(p.SecurityDefaultsErr, directory.ErrPermission)) {
			cs[i].Remediation = selfPolicyHint
		}
	}
	return cs
}
