package graphdir

import "github.com/cloudhub/consent/directory"

// endpoint names a Graph endpoint this package calls, for what a request
// to it needs ([Error.Requirement]). Every endpoint is declared in the one
// list below, so that two files cannot give two endpoints one number;
// TestEveryEndpointHasARequirement checks that each has a requirement.
type endpoint int

const (
	endpointNone endpoint = iota // $batch: each item needs its own
	endpointGetUser
	endpointCreateUser
	endpointDeleteUser
	endpointListRoleAssignments
	endpointCreateRoleAssignment
	endpointDeleteRoleAssignment
	endpointListMethods
	endpointListDomains
	endpointGetAccessPassPolicy
	endpointListAccessPasses
	endpointCreateAccessPass
	endpointDeleteAccessPass
	endpointGetSecurityDefaults
	endpointListConditionalAccess
	endpointListAuthStrengths
	endpointListTransitiveMemberOf

	// The self path (self.go).
	endpointGetMe
	endpointListMyMethods
	endpointListMyMemberships
	endpointListMyScopedRoles
	endpointListOrganization

	// The paths to a role (rolepaths.go).
	endpointListEligibilities
	endpointListActiveSchedules
	endpointListGroups
	endpointListRoleDefinitions
	endpointListUnits
	endpointGetSignInActivity

	// The partner application's consent (consent.go).
	endpointGetServicePrincipal
	endpointListPermissionGrants
	endpointCreateServicePrincipal
	endpointCreatePermissionGrant
	endpointUpdatePermissionGrant
	endpointDeletePermissionGrant

	endpointCount // not an endpoint: how many there are
)

// requirement returns what a credential needs to call the endpoint: the
// least-privileged permissions (application and delegated alike, unless
// said), least privileged first, and for delegated callers the Microsoft
// Entra roles, least privileged first, from the "Permissions" section of
// the endpoint's Microsoft Learn page.
func (e endpoint) requirement() directory.Requirement {
	switch e {
	case endpointGetUser:
		// https://learn.microsoft.com/graph/api/user-get: User.Read.All
		// reads every property selected here (User.ReadBasic.All does
		// not); a member user may read other users without a role.
		return directory.Requirement{Permissions: []string{"User.Read.All", "User.ReadWrite.All", "Directory.Read.All"}}
	case endpointCreateUser:
		// https://learn.microsoft.com/graph/api/user-post-users
		return directory.Requirement{Permissions: []string{"User.ReadWrite.All", "Directory.ReadWrite.All"}, Roles: []string{"User Administrator"}}
	case endpointDeleteUser:
		// https://learn.microsoft.com/graph/api/user-delete: deleting a
		// user with administrative roles takes a higher privileged role
		// (see the package documentation).
		return directory.Requirement{Permissions: []string{"User.ReadWrite.All"}, Roles: []string{"User Administrator", "Privileged Authentication Administrator"}}
	case endpointListRoleAssignments:
		// https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignments
		return directory.Requirement{Permissions: []string{"RoleManagement.Read.Directory", "Directory.Read.All", "RoleManagement.ReadWrite.Directory"}, Roles: []string{"Directory Readers"}}
	case endpointCreateRoleAssignment:
		// https://learn.microsoft.com/graph/api/rbacapplication-post-roleassignments
		return directory.Requirement{Permissions: []string{"RoleManagement.ReadWrite.Directory"}, Roles: []string{"Privileged Role Administrator"}}
	case endpointDeleteRoleAssignment:
		// https://learn.microsoft.com/graph/api/unifiedroleassignment-delete
		return directory.Requirement{Permissions: []string{"RoleManagement.ReadWrite.Directory"}, Roles: []string{"Privileged Role Administrator"}}
	case endpointListMethods:
		// https://learn.microsoft.com/graph/api/authentication-list-methods
		// ("permissions acting on other users"; Authentication
		// Administrator sees masked phone numbers only).
		return directory.Requirement{Permissions: []string{"UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"}, Roles: []string{"Global Reader", "Authentication Administrator", "Privileged Authentication Administrator"}}
	case endpointListDomains:
		// https://learn.microsoft.com/graph/api/domain-list
		return directory.Requirement{Permissions: []string{"Domain.Read.All", "Directory.Read.All", "Domain.ReadWrite.All"}}
	case endpointGetAccessPassPolicy, endpointListAccessPasses, endpointCreateAccessPass, endpointDeleteAccessPass:
		return accessPassRequirement(e)
	case endpointGetSecurityDefaults:
		// https://learn.microsoft.com/graph/api/identitysecuritydefaultsenforcementpolicy-get
		return directory.Requirement{Permissions: []string{"Policy.Read.All"}, Roles: []string{"Security Reader", "Global Reader", "Security Administrator"}}
	case endpointListConditionalAccess:
		// https://learn.microsoft.com/graph/api/conditionalaccessroot-list-policies
		return directory.Requirement{Permissions: []string{"Policy.Read.All"}, Roles: []string{"Security Reader", "Global Reader", "Conditional Access Administrator", "Security Administrator"}}
	case endpointListAuthStrengths:
		// https://learn.microsoft.com/graph/api/authenticationstrengthroot-list-policies
		return directory.Requirement{Permissions: []string{"Policy.Read.All"}, Roles: []string{"Security Reader", "Conditional Access Administrator", "Security Administrator"}}
	case endpointListTransitiveMemberOf:
		// https://learn.microsoft.com/graph/api/user-list-transitivememberof
		// ("permissions for another user's memberships").
		return directory.Requirement{Permissions: []string{"User.Read.All", "GroupMember.Read.All", "Group.Read.All", "Directory.Read.All"}}
	}
	if r := consentRequirement(e); !r.IsZero() {
		return r
	}
	if r := e.selfRequirement(); !r.IsZero() {
		return r
	}
	return e.rolePathRequirement() // rolepaths.go
}
