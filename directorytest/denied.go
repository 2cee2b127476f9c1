package directorytest

import (
	"fmt"
	"slices"

	"github.com/cloudhub/consent/directory"
)

// PermissionDenied returns the error a backend gives when the credential may
// not do op on object, for use in a [FaultFunc]: it satisfies
// errors.Is(err, [directory.ErrPermission]), names the operation and the
// object, and, like the Microsoft Graph backend's, says what the operation
// needed through [directory.RequirementOf] (see [Op.Requirement]).
func PermissionDenied(op Op, object string) error {
	return &deniedError{op: op, object: object}
}

// deniedError is PermissionDenied's error.
type deniedError struct {
	op     Op
	object string
}

func (e *deniedError) Error() string {
	return fmt.Sprintf("directorytest: %s %q: %v", e.op, e.object, directory.ErrPermission)
}

func (e *deniedError) Unwrap() error { return directory.ErrPermission }

// Requirement returns what the denied operation needed.
func (e *deniedError) Requirement() directory.Requirement { return e.op.Requirement() }

// Requirement returns what Microsoft documents the Microsoft Graph request
// behind op needs, least privileged first, so that the Fake's denials say
// what the Graph backend's say. It is empty for the batch operations that
// stand for several requests with different needs (OpSnapshot,
// OpDeleteUserAndRoleAssignments): their denials say nothing more than
// ErrPermission.
func (op Op) Requirement() directory.Requirement {
	r, ok := requirements[op]
	if !ok {
		return directory.Requirement{}
	}
	return directory.Requirement{Permissions: slices.Clone(r.Permissions), Roles: slices.Clone(r.Roles)}
}

// requirements is the permissions table of each operation's Microsoft
// Learn page: permissions from least to most privileged (application and
// delegated alike), then the least privileged Microsoft Entra roles a
// delegated caller must also hold where the page names any.
var requirements = map[Op]directory.Requirement{
	// https://learn.microsoft.com/graph/api/user-get
	OpUser: {Permissions: []string{"User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}},
	// https://learn.microsoft.com/graph/api/user-post-users
	OpCreateUser: {Permissions: []string{"User.ReadWrite.All", "Directory.ReadWrite.All"}, Roles: []string{"User Administrator"}},
	// https://learn.microsoft.com/graph/api/user-delete
	OpDeleteUser: {Permissions: []string{"User.ReadWrite.All"}, Roles: []string{"User Administrator", "Privileged Authentication Administrator"}},
	// https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignments
	OpRoleAssignments: {
		Permissions: []string{"RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory", "Directory.Read.All", "Directory.ReadWrite.All"},
		Roles:       []string{"Directory Readers", "Global Reader", "Privileged Role Administrator"},
	},
	// https://learn.microsoft.com/graph/api/rbacapplication-post-roleassignments
	OpCreateRoleAssignment:  {Permissions: []string{"RoleManagement.ReadWrite.Directory"}, Roles: []string{"Privileged Role Administrator"}},
	OpCreateRoleAssignments: {Permissions: []string{"RoleManagement.ReadWrite.Directory"}, Roles: []string{"Privileged Role Administrator"}},
	// https://learn.microsoft.com/graph/api/unifiedroleassignment-delete
	OpDeleteRoleAssignment: {Permissions: []string{"RoleManagement.ReadWrite.Directory"}, Roles: []string{"Privileged Role Administrator"}},
	// https://learn.microsoft.com/graph/api/authentication-list-methods
	// (permissions acting on other users)
	OpAuthenticationMethods: {
		Permissions: []string{"UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"},
		Roles:       []string{"Authentication Administrator", "Privileged Authentication Administrator"},
	},
	// https://learn.microsoft.com/graph/api/identitysecuritydefaultsenforcementpolicy-get
	OpSecurityDefaults: {Permissions: []string{"Policy.Read.All"}, Roles: []string{"Security Reader", "Global Reader", "Security Administrator"}},
	// https://learn.microsoft.com/graph/api/conditionalaccessroot-list-policies
	OpConditionalAccess: {Permissions: []string{"Policy.Read.All"}, Roles: []string{"Security Reader", "Global Reader", "Conditional Access Administrator", "Security Administrator"}},
	// https://learn.microsoft.com/graph/api/authenticationstrengthroot-list-policies
	OpAuthenticationStrengths: {Permissions: []string{"Policy.Read.All"}, Roles: []string{"Security Reader", "Conditional Access Administrator", "Security Administrator"}},
	// https://learn.microsoft.com/graph/api/user-list-transitivememberof
	// (another user's memberships)
	OpTransitiveMemberOf: {Permissions: []string{"User.Read.All", "GroupMember.Read.All", "Group.Read.All", "Directory.Read.All"}},
	// https://learn.microsoft.com/graph/api/domain-list
	OpDomains: {Permissions: []string{"Domain.Read.All", "Domain.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}},
	// https://learn.microsoft.com/graph/api/rbacapplication-list-roleeligibilityschedules
	OpRoleEligibilities: {
		Permissions: []string{"RoleEligibilitySchedule.Read.Directory", "RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory"},
		Roles:       []string{"Global Reader", "Security Reader", "Privileged Role Administrator"},
	},
	// https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignmentscheduleinstances
	OpActiveRoleSchedules: {
		Permissions: []string{"RoleAssignmentSchedule.Read.Directory", "RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory"},
		Roles:       []string{"Global Reader", "Security Reader", "Privileged Role Administrator"},
	},
	// https://learn.microsoft.com/graph/api/user-list-transitivememberof
	OpGroupMemberships: {Permissions: []string{"GroupMember.Read.All", "Group.Read.All", "Directory.Read.All"}},
	// https://learn.microsoft.com/graph/api/user-get (signInActivity)
	OpSignInActivity: {Permissions: []string{"AuditLog.Read.All"}, Roles: []string{"Reports Reader", "Security Reader"}},
	// Temporary Access Pass policy and methods: fake_accesspass.go.
	OpAccessPassPolicy:       accessPassPolicyRequirement,
	OpAccessPasses:           accessPassReadRequirement,
	OpCreateAccessPass:       accessPassWriteRequirement,
	OpDeleteAccessPass:       accessPassWriteRequirement,
	OpServicePrincipal:       consentRequirements[OpServicePrincipal],
	OpPermissionGrants:       consentRequirements[OpPermissionGrants],
	OpCreateServicePrincipal: consentRequirements[OpCreateServicePrincipal],
	OpCreatePermissionGrant:  consentRequirements[OpCreatePermissionGrant],
	OpUpdatePermissionGrant:  consentRequirements[OpUpdatePermissionGrant],
	OpDeletePermissionGrant:  consentRequirements[OpDeletePermissionGrant],
}
