package directorytest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
)

// Operations of the role paths ([directory.RolePathReader]). RolePaths
// consults OpRolePaths first (a fault there fails every part), then, with
// the user's ID, OpRoleEligibilities, OpActiveRoleSchedules and
// OpGroupMemberships for each part; for each role-assignable group it
// consults OpRoleAssignments and OpRoleEligibilities with the group's ID.
// Snapshot consults the same ops for its RolePaths part; when it is asked
// for MemberOf too, the memberships are one read (graphdir's one GET
// /users/{id}/transitiveMemberOf for both), which a fault on
// OpGroupMemberships or on OpTransitiveMemberOf fails for both parts.
const (
	OpRolePaths           Op = "RolePaths"
	OpRoleEligibilities   Op = "RoleEligibilities"
	OpActiveRoleSchedules Op = "ActiveRoleSchedules"
	OpGroupMemberships    Op = "GroupMemberships"
)

const (
	kindGroup       = 0x44444444
	kindUnit        = 0x55555555
	kindDefinition  = 0x66666666
	kindEligibility = 0x77777777
)

// privileges is the part of the tenant that holds the other paths to a
// role: groups, administrative units, custom roles and PIM schedules.
type privileges struct {
	noP2        bool
	groups      map[string]*fakeGroup // by lower-case ID
	groupOrder  []string
	units       map[string]directory.DirectoryScope // by lower-case scope ID
	definitions map[string]directory.RoleDefinition // custom roles, by lower-case ID
	eligible    []directory.RoleSchedule
	// ends are the ends of time-bound active assignments, by assignment ID.
	ends map[string]time.Time
	// unlisted hides time-bound active assignments from RoleAssignments.
	unlisted bool
}

type fakeGroup struct {
	group   directory.Group
	members []string // object IDs of users and groups
}

func (p *privileges) init() {
	if p.groups == nil {
		p.groups = map[string]*fakeGroup{}
		p.units = map[string]directory.DirectoryScope{}
		p.definitions = map[string]directory.RoleDefinition{}
		p.ends = map[string]time.Time{}
	}
}

var _ directory.RolePathReader = (*Fake)(nil)

// SetPremiumP2 says whether the tenant holds Microsoft Entra ID P2 (the
// default). Without it, Privileged Identity Management is not available:
// reading or creating eligibilities and active schedules fails with
// [directory.ErrNotLicensed].
func (f *Fake) SetPremiumP2(licensed bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.priv.noP2 = !licensed
}

// SetTimeBoundAssignmentsListed says whether RoleAssignments lists the
// assignments made with [Fake.CreateActiveSchedule] (the default). Microsoft
// documents that active schedule instances include every active assignment,
// whether made through PIM or through the role assignments API, but not
// that the role assignments list includes time-bound PIM assignments;
// turning this off acts out the reading in which it does not.
func (f *Fake) SetTimeBoundAssignmentsListed(listed bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.priv.unlisted = !listed
}

// CreateGroup acts out an admin creating a security group; assignable
// makes it role-assignable (isAssignableToRole), which only a group can be
// at creation.
func (f *Fake) CreateGroup(ctx context.Context, displayName string, assignable bool) (directory.Group, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if strings.TrimSpace(displayName) == "" {
		return directory.Group{}, invalid("create group: displayName is required")
	}
	f.priv.init()
	g := &fakeGroup{group: directory.Group{ID: f.newID(kindGroup), DisplayName: displayName, IsAssignableToRole: assignable}}
	f.priv.groups[g.group.ID] = g
	f.priv.groupOrder = append(f.priv.groupOrder, g.group.ID)
	return g.group, nil
}

// AddGroupMember acts out an admin adding a user or a group (memberID) to
// the group groupID. A role-assignable group cannot have groups as
// members, as in Microsoft Entra ID.
func (f *Fake) AddGroupMember(ctx context.Context, groupID, memberID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.priv.init()
	g, ok := f.priv.groups[strings.ToLower(groupID)]
	if !ok {
		return notFound("group", groupID)
	}
	id := ""
	if u, ok := f.users[strings.ToLower(memberID)]; ok {
		id = u.user.ID
	} else if m, ok := f.priv.groups[strings.ToLower(memberID)]; ok {
		if g.group.IsAssignableToRole {
			return invalid("add group %q to group %q: a role-assignable group cannot have groups as members", memberID, groupID)
		}
		id = m.group.ID
	} else {
		return notFound("member", memberID)
	}
	if slices.Contains(g.members, id) {
		return fmt.Errorf("directorytest: add %q to group %q: already a member: %w", memberID, groupID, directory.ErrExists)
	}
	g.members = append(g.members, id)
	return nil
}

// CreateAdministrativeUnit acts out an admin creating an administrative
// unit, and returns it as a scope for role assignments.
func (f *Fake) CreateAdministrativeUnit(ctx context.Context, displayName string) (directory.DirectoryScope, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if strings.TrimSpace(displayName) == "" {
		return directory.DirectoryScope{}, invalid("create administrative unit: displayName is required")
	}
	f.priv.init()
	s := directory.DirectoryScope{ID: directory.AdministrativeUnitScope(f.newID(kindUnit)), Type: directory.ScopeTypeAdministrativeUnit, DisplayName: displayName}
	f.priv.units[strings.ToLower(s.ID)] = s
	return s, nil
}

// CreateRoleDefinition acts out an admin defining a custom role.
func (f *Fake) CreateRoleDefinition(ctx context.Context, displayName string) (directory.RoleDefinition, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if strings.TrimSpace(displayName) == "" {
		return directory.RoleDefinition{}, invalid("create role definition: displayName is required")
	}
	f.priv.init()
	for _, d := range f.priv.definitions {
		if strings.EqualFold(d.DisplayName, displayName) {
			return directory.RoleDefinition{}, fmt.Errorf("directorytest: create role definition %q: a role with that name exists: %w", displayName, directory.ErrExists)
		}
	}
	d := directory.RoleDefinition{ID: f.newID(kindDefinition), DisplayName: displayName}
	f.priv.definitions[d.ID] = d
	return d, nil
}

// CreateEligibility acts out a PIM admin making a principal (a user or a
// role-assignable group) eligible for a role (Graph: a
// roleEligibilityScheduleRequest with action adminAssign). A zero
// StartDateTime means now; a zero EndDateTime means no expiration.
func (f *Fake) CreateEligibility(ctx context.Context, s directory.RoleSchedule) (directory.RoleSchedule, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	what := fmt.Sprintf("make principal %q eligible for role %q", s.PrincipalID, s.RoleDefinitionID)
	if err := f.checkPIM(what); err != nil {
		return s, err
	}
	a, err := f.checkAssignment(what, directory.RoleAssignment{PrincipalID: s.PrincipalID, RoleDefinitionID: s.RoleDefinitionID, DirectoryScopeID: s.DirectoryScopeID})
	if err != nil {
		return s, err
	}
	s.PrincipalID, s.RoleDefinitionID = a.PrincipalID, a.RoleDefinitionID
	for _, e := range f.priv.eligible {
		if e.PrincipalID == s.PrincipalID && e.RoleDefinitionID == s.RoleDefinitionID && e.DirectoryScopeID == s.DirectoryScopeID {
			return s, fmt.Errorf("directorytest: %s at scope %q: an eligibility exists: %w", what, s.DirectoryScopeID, directory.ErrExists)
		}
	}
	if s.StartDateTime.IsZero() {
		s.StartDateTime = f.timestamp()
	}
	s.StartDateTime, s.EndDateTime = s.StartDateTime.UTC().Truncate(time.Second), s.EndDateTime.UTC().Truncate(time.Second)
	s.ID = f.newID(kindEligibility)
	s.RoleAssignmentID = ""
	f.priv.init()
	f.priv.eligible = append(f.priv.eligible, s)
	return s, nil
}

// CreateActiveSchedule acts out a PIM admin assigning a role as active
// until s.EndDateTime (a time-bound assignment; Graph: a
// roleAssignmentScheduleRequest with action adminAssign). It creates the
// role assignment, which RoleAssignments lists unless
// [Fake.SetTimeBoundAssignmentsListed] turned that off.
func (f *Fake) CreateActiveSchedule(ctx context.Context, s directory.RoleSchedule) (directory.RoleSchedule, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	what := fmt.Sprintf("assign role %q to principal %q until %s", s.RoleDefinitionID, s.PrincipalID, s.EndDateTime.UTC().Format(time.RFC3339))
	if err := f.checkPIM(what); err != nil {
		return s, err
	}
	if s.EndDateTime.IsZero() {
		return s, invalid("%s: a time-bound assignment needs an end", what)
	}
	a, err := f.createRoleAssignment(directory.RoleAssignment{PrincipalID: s.PrincipalID, RoleDefinitionID: s.RoleDefinitionID, DirectoryScopeID: s.DirectoryScopeID})
	if err != nil {
		return s, err
	}
	f.priv.init()
	f.priv.ends[a.ID] = s.EndDateTime.UTC().Truncate(time.Second)
	return f.activeSchedule(a), nil
}

func (f *Fake) checkPIM(what string) error {
	if f.priv.noP2 {
		return fmt.Errorf("directorytest: %s: Privileged Identity Management needs Microsoft Entra ID P2: %w", what, directory.ErrNotLicensed)
	}
	return nil
}

// principal resolves a role assignment's principal: a user past its
// replication lag, or a role-assignable group.
func (f *Fake) principal(what, id string) (string, error) {
	if u, ok := f.replicated(id); ok {
		return u.user.ID, nil
	}
	if g, ok := f.priv.groups[strings.ToLower(id)]; ok {
		if !g.group.IsAssignableToRole {
			return "", invalid("%s: group %q is not role-assignable", what, id)
		}
		return g.group.ID, nil
	}
	return "", fmt.Errorf("directorytest: %s: principal %q: %w", what, id, directory.ErrNotFound)
}

// roleDefinition resolves a role definition ID: a built-in role of
// package roles (by template ID) or a custom role of the tenant.
func (f *Fake) roleDefinition(what, id string) (string, error) {
	if r, ok := roles.Lookup(id); ok && strings.EqualFold(r.ID, id) {
		return r.ID, nil
	}
	if d, ok := f.priv.definitions[strings.ToLower(id)]; ok {
		return d.ID, nil
	}
	return "", fmt.Errorf("directorytest: %s: role definition %q: %w", what, id, directory.ErrNotFound)
}

// checkAssignment validates a role assignment or eligibility and returns
// it with the principal's and the role's IDs in their stored case.
func (f *Fake) checkAssignment(what string, a directory.RoleAssignment) (directory.RoleAssignment, error) {
	if a.PrincipalID == "" || a.RoleDefinitionID == "" {
		return a, invalid("%s: principalId and roleDefinitionId are required", what)
	}
	if !strings.HasPrefix(a.DirectoryScopeID, "/") {
		return a, invalid("%s: directoryScopeId %q must start with /", what, a.DirectoryScopeID)
	}
	pid, err := f.principal(what, a.PrincipalID)
	if err != nil {
		return a, err
	}
	rid, err := f.roleDefinition(what, a.RoleDefinitionID)
	if err != nil {
		return a, err
	}
	a.PrincipalID, a.RoleDefinitionID = pid, rid
	return a, nil
}

// listed reports whether RoleAssignments lists the assignment.
func (f *Fake) listed(id string) bool {
	_, timeBound := f.priv.ends[id]
	return !f.priv.unlisted || !timeBound
}

// activeSchedule is the active schedule instance of an assignment.
func (f *Fake) activeSchedule(a directory.RoleAssignment) directory.RoleSchedule {
	return directory.RoleSchedule{
		ID: a.ID, PrincipalID: a.PrincipalID, RoleDefinitionID: a.RoleDefinitionID, DirectoryScopeID: a.DirectoryScopeID,
		EndDateTime: f.priv.ends[a.ID], RoleAssignmentID: a.ID,
	}
}

// forgetPrincipal removes what a deleted user held beyond its assignments.
func (f *Fake) forgetPrincipal(id string) {
	f.priv.eligible = slices.DeleteFunc(f.priv.eligible, func(s directory.RoleSchedule) bool { return s.PrincipalID == id })
	for _, g := range f.priv.groups {
		g.members = slices.DeleteFunc(g.members, func(m string) bool { return m == id })
	}
}

// Eligibilities returns the PIM eligibilities of the principal (a user or
// a group) that have not expired.
func (f *Fake) Eligibilities(ctx context.Context, principalID string) ([]directory.RoleSchedule, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpRoleEligibilities, principalID); err != nil {
		return nil, err
	}
	return f.eligibilities(principalID)
}

func (f *Fake) eligibilities(principalID string) ([]directory.RoleSchedule, error) {
	if err := f.checkPIM(fmt.Sprintf("list the eligibilities of %q", principalID)); err != nil {
		return nil, err
	}
	out := []directory.RoleSchedule{}
	for _, s := range f.priv.eligible {
		if strings.EqualFold(s.PrincipalID, principalID) && !s.Expired(f.now()) {
			out = append(out, s)
		}
	}
	return out, nil
}

// ActiveSchedules returns the active PIM schedule instances of the
// principal: one per active role assignment, with its end when it is
// time-bound.
func (f *Fake) ActiveSchedules(ctx context.Context, principalID string) ([]directory.RoleSchedule, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpActiveRoleSchedules, principalID); err != nil {
		return nil, err
	}
	return f.activeSchedules(principalID)
}

func (f *Fake) activeSchedules(principalID string) ([]directory.RoleSchedule, error) {
	if err := f.checkPIM(fmt.Sprintf("list the active schedules of %q", principalID)); err != nil {
		return nil, err
	}
	out := []directory.RoleSchedule{}
	for _, id := range f.order {
		a := f.assignments[id]
		if s := f.activeSchedule(a); strings.EqualFold(a.PrincipalID, principalID) && !s.Expired(f.now()) {
			out = append(out, s)
		}
	}
	return out, nil
}

// MemberOf returns the groups the user (by object ID or
// userPrincipalName) is a transitive member of, in creation order. An
// unknown user gives ErrNotFound.
func (f *Fake) MemberOf(ctx context.Context, userIDOrUPN string) ([]directory.Group, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpGroupMemberships, userIDOrUPN); err != nil {
		return nil, err
	}
	u, ok := f.visible(userIDOrUPN)
	if !ok {
		return nil, notFound("user", userIDOrUPN)
	}
	return f.memberOf(u.user.ID), nil
}

func (f *Fake) memberOf(id string) []directory.Group {
	in := map[string]bool{id: true}
	for changed := true; changed; {
		changed = false
		for _, gid := range f.priv.groupOrder {
			g := f.priv.groups[gid]
			if in[gid] {
				continue
			}
			if slices.ContainsFunc(g.members, func(m string) bool { return in[m] }) {
				in[gid], changed = true, true
			}
		}
	}
	out := []directory.Group{}
	for _, gid := range f.priv.groupOrder {
		if in[gid] {
			out = append(out, f.priv.groups[gid].group)
		}
	}
	return out
}

// RoleDefinition returns the role definition with the given ID: a custom
// role of the tenant, or a built-in role of package roles.
func (f *Fake) RoleDefinition(ctx context.Context, id string) (directory.RoleDefinition, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d, ok := f.priv.definitions[strings.ToLower(id)]; ok {
		return d, nil
	}
	if r, ok := roles.Lookup(id); ok && strings.EqualFold(r.ID, id) {
		return directory.RoleDefinition{ID: r.ID, DisplayName: r.Name, IsBuiltIn: true}, nil
	}
	return directory.RoleDefinition{}, notFound("role definition", id)
}

// Scope returns the administrative unit a directory scope ID names.
func (f *Fake) Scope(ctx context.Context, directoryScopeID string) (directory.DirectoryScope, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s, ok := f.priv.units[strings.ToLower(directoryScopeID)]; ok {
		return s, nil
	}
	return directory.DirectoryScope{}, notFound("directory scope", directoryScopeID)
}

// RolePaths implements [directory.RolePathReader].
func (f *Fake) RolePaths(ctx context.Context, userID string) (directory.RolePaths, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpRolePaths, userID); err != nil {
		if ctx.Err() != nil {
			return directory.RolePaths{}, err
		}
		return directory.FailRolePaths(err), nil
	}
	u, ok := f.visible(userID)
	if !ok {
		return directory.FailRolePaths(notFound("user", userID)), nil
	}
	p, _ := f.rolePaths(u.user.ID, false)
	return p, nil
}

// rolePaths reads the role paths of the user with object ID id, consulting
// the fault hook for each part. With withMemberOf (a Snapshot asking for
// MemberOf too, whose memberships graphdir reads with the role paths' in
// one request) the memberships are one read, which a fault on
// OpGroupMemberships or on OpTransitiveMemberOf fails; rolePaths returns
// that read's fault for MemberOf.
func (f *Fake) rolePaths(id string, withMemberOf bool) (directory.RolePaths, error) {
	var p directory.RolePaths
	if p.EligibilitiesErr = f.faultFor(OpRoleEligibilities, id); p.EligibilitiesErr == nil {
		p.Eligibilities, p.EligibilitiesErr = f.eligibilities(id)
	}
	if p.ActiveSchedulesErr = f.faultFor(OpActiveRoleSchedules, id); p.ActiveSchedulesErr == nil {
		p.ActiveSchedules, p.ActiveSchedulesErr = f.activeSchedules(id)
	}
	p.GroupsErr = f.faultFor(OpGroupMemberships, id)
	if p.GroupsErr == nil && withMemberOf {
		p.GroupsErr = f.faultFor(OpTransitiveMemberOf, id)
	}
	if p.GroupsErr == nil {
		p.Groups = []directory.GroupRoles{}
		for _, g := range f.memberOf(id) {
			if !g.IsAssignableToRole {
				continue
			}
			gr := directory.GroupRoles{Group: g}
			if gr.RoleAssignmentsErr = f.faultFor(OpRoleAssignments, g.ID); gr.RoleAssignmentsErr == nil {
				gr.RoleAssignments = f.roleAssignments(g.ID)
			}
			if gr.EligibilitiesErr = f.faultFor(OpRoleEligibilities, g.ID); gr.EligibilitiesErr == nil {
				gr.Eligibilities, gr.EligibilitiesErr = f.eligibilities(g.ID)
			}
			p.Groups = append(p.Groups, gr)
		}
	}
	p.RoleDefinitions, p.Scopes = f.names(id, p)
	return p, p.GroupsErr
}

// names returns the custom roles and the administrative units that the
// user's assignments and p refer to, in a stable order.
func (f *Fake) names(id string, p directory.RolePaths) ([]directory.RoleDefinition, []directory.DirectoryScope) {
	refs := map[[2]string]bool{} // {role, scope}
	for _, a := range f.roleAssignments(id) {
		refs[[2]string{a.RoleDefinitionID, a.DirectoryScopeID}] = true
	}
	add := func(ss []directory.RoleSchedule) {
		for _, s := range ss {
			refs[[2]string{s.RoleDefinitionID, s.DirectoryScopeID}] = true
		}
	}
	add(p.Eligibilities)
	add(p.ActiveSchedules)
	for _, g := range p.Groups {
		add(g.Eligibilities)
		for _, a := range g.RoleAssignments {
			refs[[2]string{a.RoleDefinitionID, a.DirectoryScopeID}] = true
		}
	}
	var defs []directory.RoleDefinition
	var scopes []directory.DirectoryScope
	for ref := range refs {
		if d, ok := f.priv.definitions[strings.ToLower(ref[0])]; ok && !slices.Contains(defs, d) {
			defs = append(defs, d)
		}
		if s, ok := f.priv.units[strings.ToLower(ref[1])]; ok && !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	slices.SortFunc(defs, func(a, b directory.RoleDefinition) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(scopes, func(a, b directory.DirectoryScope) int { return strings.Compare(a.ID, b.ID) })
	return defs, scopes
}

// CustomRoleDefinitions returns the tenant's custom role definitions, in
// ID order.
func (f *Fake) CustomRoleDefinitions(ctx context.Context) ([]directory.RoleDefinition, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := []directory.RoleDefinition{}
	for _, d := range f.priv.definitions {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b directory.RoleDefinition) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// AdministrativeUnits returns the tenant's administrative units as scopes,
// in ID order.
func (f *Fake) AdministrativeUnits(ctx context.Context) ([]directory.DirectoryScope, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := []directory.DirectoryScope{}
	for _, s := range f.priv.units {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b directory.DirectoryScope) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}
