// Package mfapolicy evaluates, offline, whether a tenant's sign-in
// policies (security defaults, Conditional Access policies and
// authentication strengths, as [directory.SignInPolicies] holds them) will
// require MFA when one account signs in, and of what strength. Package
// verify's mfa.enforced and mfa.phishing-resistant checks and package
// serviceaccount's plan share it.
//
// The account is a [Subject]: its object ID, its groups, and the roles it
// holds, each part with whether it could be read. Coverage is decided from
// the policy's users condition (All, the account's ID, its groups, its
// directory roles; minus the exclusions), its applications (only "All
// resources" without exclusions covers every sign-in) and its client app
// types. Conditions that depend on the sign-in itself (locations,
// platforms, devices, risk levels, authentication flows) cannot be
// evaluated offline: a policy that sets any of them covers the account
// only conditionally, and says which.
package mfapolicy

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/internal/rolepaths"
	"github.com/cloudhub/consent/roles"
)

// Subject is the account a policy is evaluated for.
type Subject struct {
	// UserID is the account's object ID; empty for an account not created
	// yet (then only policies for all users or for its roles can cover it).
	UserID string
	// Guest reports an account whose userType is Guest.
	Guest bool

	// Groups are the groups the account is a member of, transitively.
	Groups []directory.Group
	// GroupsErr is why Groups could not be read, or nil.
	GroupsErr error

	// Roles are the roles the account holds, active and eligible.
	Roles []Role
	// RolesErr is why the active roles could not be read, or nil.
	RolesErr error
	// EligibleErr is why PIM eligibilities could not be read, or nil when
	// they were (then the eligible ones are in Roles).
	EligibleErr error
}

// Role is a role the account holds.
type Role struct {
	// ID is the role's template ID.
	ID string
	// Scope is the directory scope ID ("/" for the tenant).
	Scope string
	// Eligible marks a PIM eligibility: the role is active only once the
	// account activates it.
	Eligible bool
	// Via names the group the role is held through, or "".
	Via string
}

func (r Role) name() string {
	n := roleName(r.ID)
	if r.Scope != "" && r.Scope != directory.TenantScope {
		n += " at " + r.Scope
	}
	if r.Eligible {
		n += " (eligible)"
	}
	if r.Via != "" {
		n += " through group " + r.Via
	}
	return n
}

func roleName(id string) string {
	if r, ok := roles.Lookup(id); ok {
		return r.Name
	}
	return "role " + id
}

// SubjectFromSnapshot builds the subject from what a snapshot read: the
// user, its groups (MemberOf), and every path to a role its RolePaths part
// found (internal/rolepaths: its own active assignments, time-bound and
// eligible PIM schedules, the active and eligible roles of its
// role-assignable groups), as of now. A tenant without PIM (ErrNotLicensed)
// has no eligibilities to read.
func SubjectFromSnapshot(snap directory.Snapshot, now time.Time) Subject {
	s := Subject{
		UserID:    snap.User.ID,
		Guest:     strings.EqualFold(snap.User.UserType, directory.UserTypeGuest),
		Groups:    slices.Clone(snap.MemberOf),
		GroupsErr: snap.MemberOfErr,
		RolesErr:  snap.RoleAssignmentsErr,
	}
	if err := snap.RolePaths.EligibilitiesErr; err != nil && !errors.Is(err, directory.ErrNotLicensed) {
		s.EligibleErr = err
	}
	for _, g := range rolepaths.Collect(snap, now).Grants {
		r := Role{ID: g.RoleID, Scope: g.ScopeID, Eligible: g.Eligible}
		if g.Group != nil {
			r.Via = fmt.Sprintf("%q (%s)", g.Group.DisplayName, g.Group.ID)
		}
		s.Roles = append(s.Roles, r)
	}
	return s
}

func (s Subject) inGroup(id string) (directory.Group, bool) {
	for _, g := range s.Groups {
		if strings.EqualFold(g.ID, id) {
			return g, true
		}
	}
	return directory.Group{}, false
}

func groupName(g directory.Group) string {
	if g.DisplayName != "" {
		return fmt.Sprintf("group %q (%s)", g.DisplayName, g.ID)
	}
	return "group " + g.ID
}

// held returns the roles the account holds whose template ID is in ids.
func (s Subject) held(ids []string) []Role {
	var out []Role
	for _, r := range s.Roles {
		if slices.ContainsFunc(ids, func(id string) bool { return strings.EqualFold(id, r.ID) }) {
			out = append(out, r)
		}
	}
	return out
}

// match is how a users condition applies to the subject.
type match int

const (
	no    match = iota
	yes         // certainly
	maybe       // depending on what could not be read or on PIM activation
)

// users evaluates the users condition: whether the subject is covered,
// why, and what makes it uncertain.
func (s Subject) users(u directory.ConditionalAccessUsers) (m match, why []string, ifs []string) {
	// Exclusions first: an exclusion wins over every inclusion.
	if s.UserID != "" && containsFold(u.ExcludeUsers, s.UserID) {
		return no, []string{"excluded by user ID"}, nil
	}
	for _, id := range u.ExcludeGroups {
		if g, ok := s.inGroup(id); ok {
			return no, []string{"excluded through " + groupName(g)}, nil
		}
	}
	for _, r := range s.held(u.ExcludeRoles) {
		if !r.Eligible && r.Scope == directory.TenantScope && r.Via == "" {
			return no, []string{"excluded through role " + r.name()}, nil
		}
	}
	var unsure []string
	if len(u.ExcludeGroups) > 0 && s.GroupsErr != nil {
		unsure = append(unsure, fmt.Sprintf("the policy excludes %d group(s) and the account's groups could not be read (%v)", len(u.ExcludeGroups), s.GroupsErr))
	}
	for _, r := range s.held(u.ExcludeRoles) {
		if r.Eligible || r.Scope != directory.TenantScope || r.Via != "" {
			unsure = append(unsure, "excluded while "+r.name()+" is active")
		}
	}
	if len(u.ExcludeRoles) > 0 && s.RolesErr != nil {
		unsure = append(unsure, fmt.Sprintf("the policy excludes %d role(s) and the account's roles could not be read (%v)", len(u.ExcludeRoles), s.RolesErr))
	}
	if s.Guest && u.ExcludeGuestsOrExternalUsers != nil {
		unsure = append(unsure, "the policy excludes guest or external user types ("+u.ExcludeGuestsOrExternalUsers.GuestOrExternalUserTypes+") and the account is a guest")
	}

	// Inclusions.
	var sure, cond []string
	switch {
	case containsFold(u.IncludeUsers, directory.PolicyAll):
		sure = append(sure, "includes all users")
	case s.UserID != "" && containsFold(u.IncludeUsers, s.UserID):
		sure = append(sure, "includes the account by user ID")
	}
	for _, id := range u.IncludeGroups {
		if g, ok := s.inGroup(id); ok {
			sure = append(sure, "includes "+groupName(g))
		}
	}
	for _, r := range s.held(u.IncludeRoles) {
		if !r.Eligible && r.Scope == directory.TenantScope && r.Via == "" {
			sure = append(sure, "includes role "+r.name())
		} else {
			cond = append(cond, "includes role "+r.name()+" only while it is active")
		}
	}
	if len(u.IncludeGroups) > 0 && s.GroupsErr != nil {
		cond = append(cond, fmt.Sprintf("the policy includes %d group(s) and the account's groups could not be read (%v)", len(u.IncludeGroups), s.GroupsErr))
	}
	if len(u.IncludeRoles) > 0 && s.RolesErr != nil {
		cond = append(cond, fmt.Sprintf("the policy includes %d role(s) and the account's roles could not be read (%v)", len(u.IncludeRoles), s.RolesErr))
	}
	if s.Guest && u.IncludeGuestsOrExternalUsers != nil {
		cond = append(cond, "the policy includes guest or external user types ("+u.IncludeGuestsOrExternalUsers.GuestOrExternalUserTypes+") and the account is a guest")
	}
	switch {
	case len(sure) > 0 && len(unsure) == 0:
		return yes, sure, nil
	case len(sure) > 0:
		return maybe, sure, unsure
	case len(cond) > 0:
		return maybe, nil, append(cond, unsure...)
	}
	return no, nil, nil
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}
