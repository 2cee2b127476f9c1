package directorytest

import (
	"context"
	"strings"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
)

// ScopePolicyReadAll is the delegated permission that reads the tenant's
// policies.
const ScopePolicyReadAll = "Policy.Read.All"

// policyReaderRoles are the least privileged roles the pages of the three
// policy reads name for delegated callers (Security Reader, Global Reader,
// Conditional Access Administrator, Security Administrator), and Global
// Administrator, which holds every permission they grant.
var policyReaderRoles = []string{"Security Reader", "Global Reader", "Conditional Access Administrator", "Security Administrator", "Global Administrator"}

var _ directory.SignInPolicyReader = (*SignedIn)(nil)

// PolicyAccess returns the error Graph gives the signed-in caller for a
// read of the tenant's sign-in policies (security defaults, Conditional
// Access policies, authentication strengths), or nil when it may read
// them: the app must hold Policy.Read.All and the user one of the reader
// roles (https://learn.microsoft.com/graph/api/conditionalaccessroot-list-policies).
// A service account holds neither by design.
func (s *SignedIn) PolicyAccess() error {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	return s.mayReadPolicies()
}

func (s *SignedIn) mayReadPolicies() error {
	req := directory.Requirement{Permissions: []string{ScopePolicyReadAll}, Roles: policyReaderRoles[:4]}
	if !s.has(ScopePolicyReadAll) {
		return s.denied("read the tenant's sign-in policies: the app was not granted "+ScopePolicyReadAll, req)
	}
	for _, a := range s.f.roleAssignments(s.userID) {
		if a.DirectoryScopeID != directory.TenantScope {
			continue
		}
		for _, name := range policyReaderRoles {
			if r, ok := roles.Lookup(name); ok && strings.EqualFold(r.ID, a.RoleDefinitionID) {
				return nil
			}
		}
	}
	return s.denied("read the tenant's sign-in policies: the signed-in user holds none of "+strings.Join(policyReaderRoles[:4], ", "), req)
}

// SignInPolicies implements [directory.SignInPolicyReader] with the rule
// of [SignedIn.PolicyAccess]: every part fails with its denial otherwise.
func (s *SignedIn) SignInPolicies(ctx context.Context) (directory.SignInPolicies, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	s.f.calls = append(s.f.calls, Call{Op: OpSecurityDefaults}, Call{Op: OpConditionalAccess}, Call{Op: OpAuthenticationStrengths})
	if err := ctx.Err(); err != nil {
		return directory.SignInPolicies{}, err
	}
	if err := s.mayReadPolicies(); err != nil {
		return directory.FailSignInPolicies(err), nil
	}
	return s.f.signInPolicies(), nil
}

// selfSignInPolicies is ReadSelf's sign-in policy part. It must be called
// with s.f.mu held.
func (s *SignedIn) selfSignInPolicies() directory.SignInPolicies {
	if err := s.mayReadPolicies(); err != nil {
		return directory.FailSignInPolicies(err)
	}
	return s.f.signInPolicies()
}
