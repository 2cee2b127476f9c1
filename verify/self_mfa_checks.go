package verify

import (
	"errors"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/internal/mfapolicy"
)

// selfPoliciesNotVisible is the report's entry for the tenant's sign-in
// policies when the signed-in account may not read them, which is the
// normal case: a least-privileged service account holds no reader role.
var selfPoliciesNotVisible = NotVisible{
	What:     "the tenant's sign-in policies (security defaults, Conditional Access, authentication strengths): mfa.enforced not checked, and only the method half of mfa.phishing-resistant",
	Why:      "reading them takes Policy.Read.All and, for a signed-in caller, a reader role (Security Reader, Global Reader, Conditional Access Administrator or Security Administrator), which a service account should not hold",
	CouldSee: "the customer running Verify (admin side) with an app granted Policy.Read.All, or signed in as a Security Reader or Global Reader",
}

// policiesDeniedByDesign reports whether the sign-in policies could not be
// read because the credential may not read them (or the backend cannot),
// as opposed to a read that should have worked and failed.
func policiesDeniedByDesign(p directory.SignInPolicies) bool {
	return notReadable(p.ConditionalAccessErr) || (p.ConditionalAccessErr == nil && notReadable(p.SecurityDefaultsErr))
}

// selfMFAPolicyChecks evaluates the sign-in policies ReadSelf read for the
// signed-in account, when it could read them. When the account may not read
// them (by design: see [selfPoliciesNotVisible]), mfa.enforced is not run
// and is listed as not visible, and mfa.phishing-resistant judges what the
// account can see: not applicable, a highly privileged account without a
// phishing-resistant method (fails: no policy can make up for it), or one
// with a method (warns: the policy half is not visible). Any other failure
// to read them leaves both checks unknown, as in Verify.
func selfMFAPolicyChecks(self directory.Self) ([]Check, []NotVisible) {
	p := self.SignInPolicies
	// The account's own assignments, as Verify reads them; PIM is not
	// visible to a self report.
	s := mfapolicy.SubjectFromSnapshot(directory.Snapshot{
		User:               self.User,
		MemberOf:           self.Groups,
		MemberOfErr:        self.RoleMembershipsErr,
		RoleAssignments:    self.RoleAssignments,
		RoleAssignmentsErr: self.RoleAssignmentsErr,
	}, time.Time{})
	s.EligibleErr = errors.New("the self report cannot read PIM eligibilities")
	if self.RoleMembershipsErr == nil && self.RoleMemberships != nil {
		// The memberships name the tenant-wide built-in roles, those held
		// through a role-assignable group too; a role the list lacks (or
		// every role, when the list was denied) comes from them.
		ids, unnamed := rolesBeyondList(self)
		for _, id := range ids {
			r := mfapolicy.Role{ID: id, Scope: directory.TenantScope}
			if self.RoleAssignmentsErr == nil {
				r.Via = "a role-assignable group"
			}
			s.Roles = append(s.Roles, r)
		}
		if self.RoleAssignmentsErr != nil {
			s.RolesErr = nil
			if unnamed > 0 {
				s.RolesErr = errors.New("a directory role membership came back without its role template ID")
			}
		}
	}
	if policiesDeniedByDesign(p) {
		cs := []Check{assessmentCheck(CheckMFAPhishingResistant, mfapolicy.PhishingResistantMethodOnly(s, self.AuthenticationMethods, self.AuthenticationMethodsErr))}
		if p.SecurityDefaultsErr == nil && p.SecurityDefaults.IsEnabled {
			// Security defaults were readable and are on: MFA is
			// enforced whatever the unreadable Conditional Access says.
			cs = append([]Check{assessmentCheck(CheckMFAEnforced, mfapolicy.MFA(s, p))}, cs...)
			nv := selfPoliciesNotVisible
			nv.What = "Conditional Access policies and authentication strengths: only the method half of mfa.phishing-resistant (mfa.enforced passed on security defaults)"
			return cs, []NotVisible{nv}
		}
		return cs, []NotVisible{selfPoliciesNotVisible}
	}
	return []Check{
		assessmentCheck(CheckMFAEnforced, mfapolicy.MFA(s, p)),
		assessmentCheck(CheckMFAPhishingResistant, mfapolicy.PhishingResistant(s, p, self.AuthenticationMethods, self.AuthenticationMethodsErr)),
	}, nil
}
