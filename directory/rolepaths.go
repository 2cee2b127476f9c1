package directory

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Scope types, as [DirectoryScope.Type] names them.
const (
	// ScopeTypeAdministrativeUnit is an administrative unit
	// ("/administrativeUnits/{id}").
	ScopeTypeAdministrativeUnit = "administrativeUnit"
	// ScopeTypeApplication is an application object ("/{id}" of an
	// application registration).
	ScopeTypeApplication = "application"
)

// AdministrativeUnitScope returns the directory scope ID of the
// administrative unit with object ID id.
func AdministrativeUnitScope(id string) string { return "/administrativeUnits/" + id }

// ScopeType returns the type of the object a directory scope ID names:
// "" for [TenantScope], [ScopeTypeAdministrativeUnit] for
// "/administrativeUnits/{id}", and [ScopeTypeApplication] for any other
// "/{id}" (Microsoft Entra ID accepts only application objects there).
func ScopeType(directoryScopeID string) string {
	switch {
	case directoryScopeID == TenantScope || directoryScopeID == "":
		return ""
	case strings.HasPrefix(strings.ToLower(directoryScopeID), "/administrativeunits/"):
		return ScopeTypeAdministrativeUnit
	}
	return ScopeTypeApplication
}

// RoleSchedule is a Privileged Identity Management (PIM) schedule of a
// directory role: an eligibility (the principal may activate the role at
// will) or a time-bound active assignment. In Microsoft Graph it is a
// unifiedRoleEligibilitySchedule or a
// unifiedRoleAssignmentScheduleInstance.
type RoleSchedule struct {
	ID               string `json:"id,omitempty"`
	PrincipalID      string `json:"principalId"`
	RoleDefinitionID string `json:"roleDefinitionId"`
	DirectoryScopeID string `json:"directoryScopeId"`
	// StartDateTime is when the schedule takes effect; zero when Graph
	// gives none.
	StartDateTime time.Time `json:"startDateTime,omitzero"`
	// EndDateTime is when it ends; zero when it does not expire.
	EndDateTime time.Time `json:"endDateTime,omitzero"`
	// RoleAssignmentID is, for an active schedule, the ID of the role
	// assignment it stands for (roleAssignmentOriginId); empty for an
	// eligibility.
	RoleAssignmentID string `json:"roleAssignmentId,omitempty"`
}

// Expired reports whether the schedule ended before t.
func (s RoleSchedule) Expired(t time.Time) bool {
	return !s.EndDateTime.IsZero() && s.EndDateTime.Before(t)
}

// Group is a group a user is a member of.
type Group struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	// IsAssignableToRole reports a role-assignable group: one that can
	// hold Microsoft Entra roles for its members.
	IsAssignableToRole bool `json:"isAssignableToRole"`
}

// GroupRoles is a role-assignable group a user is a transitive member of,
// with the roles the group holds: each of them is held by its members.
type GroupRoles struct {
	Group Group

	// RoleAssignments are the group's active role assignments.
	RoleAssignments    []RoleAssignment
	RoleAssignmentsErr error

	// Eligibilities are the group's PIM eligibilities.
	Eligibilities    []RoleSchedule
	EligibilitiesErr error
}

// RoleDefinition names a role definition.
type RoleDefinition struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	// IsBuiltIn is false for a custom role the tenant defined.
	IsBuiltIn bool `json:"isBuiltIn"`
}

// DirectoryScope names the object a scoped role assignment is limited to.
type DirectoryScope struct {
	// ID is the directory scope ID, for example
	// "/administrativeUnits/{id}".
	ID string `json:"id"`
	// Type is ScopeTypeAdministrativeUnit or ScopeTypeApplication.
	Type        string `json:"type"`
	DisplayName string `json:"displayName"`
}

// RolePaths are the ways a user holds a directory role other than its own
// direct, active role assignments. Each part carries its own error, like
// the parts of a [Snapshot].
type RolePaths struct {
	// Eligibilities are the user's PIM eligibilities, expired ones
	// included when the service still lists them. A tenant without
	// Microsoft Entra ID P2 cannot have any: EligibilitiesErr then
	// satisfies errors.Is(err, ErrNotLicensed).
	Eligibilities    []RoleSchedule
	EligibilitiesErr error

	// ActiveSchedules are the user's active PIM schedule instances: every
	// active assignment, with its end when it is time-bound. Without P2,
	// ActiveSchedulesErr satisfies ErrNotLicensed.
	ActiveSchedules    []RoleSchedule
	ActiveSchedulesErr error

	// Groups are the role-assignable groups the user is a transitive
	// member of, each with the roles it holds. A group whose
	// assignability the credential could not see is included too.
	Groups    []GroupRoles
	GroupsErr error

	// RoleDefinitions name the custom roles the other parts (and the
	// user's direct assignments) refer to, as far as they could be read;
	// built-in roles may be left out.
	RoleDefinitions []RoleDefinition
	// Scopes name the administrative units and applications the parts
	// refer to, as far as they could be read.
	Scopes []DirectoryScope
}

// FailRolePaths returns RolePaths whose every part failed with err; for
// backends filling a [Snapshot] of a user that could not be read.
func FailRolePaths(err error) RolePaths {
	return RolePaths{EligibilitiesErr: err, ActiveSchedulesErr: err, GroupsErr: err}
}

// RolePathReader is implemented by a directory that can read the paths to
// a role beyond a user's direct assignments ([RolePaths]) for the user with
// object ID userID. An unknown user gives parts that fail with
// ErrNotFound. The returned error is non-nil only when nothing could be
// read (the context is done).
type RolePathReader interface {
	RolePaths(ctx context.Context, userID string) (RolePaths, error)
}

// ReadRolePaths reads the user's role paths with d's RolePaths method. A
// directory that does not implement [RolePathReader] gives parts that fail
// with an error satisfying errors.Is(err, errors.ErrUnsupported): it cannot
// tell whether the user has any.
func ReadRolePaths(ctx context.Context, d Directory, userID string) (RolePaths, error) {
	if r, ok := d.(RolePathReader); ok {
		return r.RolePaths(ctx, userID)
	}
	if err := ctx.Err(); err != nil {
		return RolePaths{}, err
	}
	return FailRolePaths(fmt.Errorf("directory: read PIM eligibility and group roles of %q: %T does not implement RolePathReader: %w", userID, d, errors.ErrUnsupported)), nil
}
