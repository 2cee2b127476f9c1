package graphdir

import (
	"context"
	"slices"
	"strings"

	"github.com/cloudhub/consent/directory"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// The other paths to a role ([directory.RolePaths]) and the user's sign-in
// activity, read in the Snapshot's $batch:
//
//   - GET /roleManagement/directory/roleEligibilitySchedules?$filter=principalId eq '{id}'
//     (https://learn.microsoft.com/graph/api/rbacapplication-list-roleeligibilityschedules);
//     schedules persist, unlike schedule requests, which Graph deletes
//     after about 45 days;
//   - GET /roleManagement/directory/roleAssignmentScheduleInstances?$filter=principalId eq '{id}'
//     (https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignmentscheduleinstances),
//     which include every active assignment, time-bound ones with their end;
//   - GET /users/{id | userPrincipalName}/transitiveMemberOf/microsoft.graph.group?$select=id,displayName,isAssignableToRole
//     (https://learn.microsoft.com/graph/api/user-list-transitivememberof),
//     (or, when the Snapshot asks for MemberOf too, the one uncast read
//     both share, [listMemberships]), then, in a second $batch, each
//     role-assignable group's role assignments and eligibility schedules,
//     filtered by the group's ID;
//   - GET /roleManagement/directory/roleDefinitions?$filter=isBuiltIn eq false
//     and GET /directory/administrativeUnits?$select=id,displayName, first
//     page only, to name custom roles and administrative units;
//   - GET /users/{id}?$select=id,signInActivity
//     (https://learn.microsoft.com/graph/api/resources/signinactivity).
//
// A tenant without Microsoft Entra ID P2 answers the PIM reads with error
// code AadPremiumLicenseRequired ([directory.ErrNotLicensed]).

const (
	opListEligibilities   op = "list role eligibility schedules of principal"
	opListActiveSchedules op = "list role assignment schedule instances of principal"
	opListGroups          op = "list transitive groups of user"
	opListRoleDefinitions op = "list custom role definitions"
	opListUnits           op = "list administrative units"
	opGetSignInActivity   op = "get sign-in activity of user"
)

// rolePathRequirement is what the role-path endpoints need, from the
// "Permissions" sections of their Microsoft Learn pages.
func (e endpoint) rolePathRequirement() directory.Requirement {
	switch e {
	case endpointListEligibilities:
		return directory.Requirement{Permissions: []string{"RoleEligibilitySchedule.Read.Directory", "RoleManagement.Read.Directory"}, Roles: []string{"Global Reader", "Security Reader", "Privileged Role Administrator"}}
	case endpointListActiveSchedules:
		return directory.Requirement{Permissions: []string{"RoleAssignmentSchedule.Read.Directory", "RoleManagement.Read.Directory"}, Roles: []string{"Global Reader", "Security Reader", "Privileged Role Administrator"}}
	case endpointListGroups:
		return directory.Requirement{Permissions: []string{"GroupMember.Read.All", "Group.Read.All", "Directory.Read.All"}}
	case endpointListRoleDefinitions:
		return directory.Requirement{Permissions: []string{"RoleManagement.Read.Directory", "Directory.Read.All"}, Roles: []string{"Directory Readers"}}
	case endpointListUnits:
		return directory.Requirement{Permissions: []string{"AdministrativeUnit.Read.All", "Directory.Read.All"}, Roles: []string{"Directory Readers"}}
	case endpointGetSignInActivity:
		return directory.Requirement{Permissions: []string{"AuditLog.Read.All"}, Roles: []string{"Reports Reader", "Security Reader"}}
	}
	return directory.Requirement{}
}

func listEligibilities(principalID string) *request {
	return get(opListEligibilities, quote(principalID),
		"/roleManagement/directory/roleEligibilitySchedules?$filter="+escapeSegment(principalFilter(principalID)), endpointListEligibilities)
}

func listActiveSchedules(principalID string) *request {
	return get(opListActiveSchedules, quote(principalID),
		"/roleManagement/directory/roleAssignmentScheduleInstances?$filter="+escapeSegment(principalFilter(principalID)), endpointListActiveSchedules)
}

func listGroups(key string) *request {
	return get(opListGroups, quote(key),
		userPath(key)+"/transitiveMemberOf/microsoft.graph.group?$select=id,displayName,isAssignableToRole", endpointListGroups)
}

func listCustomRoleDefinitions() *request {
	return get(opListRoleDefinitions, "",
		"/roleManagement/directory/roleDefinitions?$filter="+escapeSegment("isBuiltIn eq false")+"&$select=id,displayName,isBuiltIn", endpointListRoleDefinitions)
}

func listUnits() *request {
	return get(opListUnits, "", "/directory/administrativeUnits?$select=id,displayName", endpointListUnits)
}

func getSignInActivity(key string) *request {
	return get(opGetSignInActivity, quote(key), userPath(key)+"?$select=id,signInActivity", endpointGetSignInActivity)
}

var (
	eligibilities = collectionOf[models.UnifiedRoleEligibilityScheduleCollectionResponseable](
		models.CreateUnifiedRoleEligibilityScheduleCollectionResponseFromDiscriminatorValue, eligibilityFromModel)
	activeSchedules = collectionOf[models.UnifiedRoleAssignmentScheduleInstanceCollectionResponseable](
		models.CreateUnifiedRoleAssignmentScheduleInstanceCollectionResponseFromDiscriminatorValue, activeScheduleFromModel)
	roleDefinitions = collectionOf[models.UnifiedRoleDefinitionCollectionResponseable](
		models.CreateUnifiedRoleDefinitionCollectionResponseFromDiscriminatorValue, roleDefinitionFromModel)
	units = collectionOf[models.AdministrativeUnitCollectionResponseable](
		models.CreateAdministrativeUnitCollectionResponseFromDiscriminatorValue, unitFromModel)
)

func eligibilityFromModel(m models.UnifiedRoleEligibilityScheduleable) directory.RoleSchedule {
	s := directory.RoleSchedule{
		ID:               deref(m.GetId()),
		PrincipalID:      deref(m.GetPrincipalId()),
		RoleDefinitionID: deref(m.GetRoleDefinitionId()),
		DirectoryScopeID: deref(m.GetDirectoryScopeId()),
	}
	if info := m.GetScheduleInfo(); info != nil {
		s.StartDateTime = derefTime(info.GetStartDateTime())
		if exp := info.GetExpiration(); exp != nil {
			// noExpiration has no endDateTime; afterDuration is left
			// open too (Graph resolves it into endDateTime on the
			// instances, not here), which errs on the side of "still
			// eligible".
			s.EndDateTime = derefTime(exp.GetEndDateTime())
		}
	}
	return s
}

func activeScheduleFromModel(m models.UnifiedRoleAssignmentScheduleInstanceable) directory.RoleSchedule {
	return directory.RoleSchedule{
		ID:               deref(m.GetId()),
		PrincipalID:      deref(m.GetPrincipalId()),
		RoleDefinitionID: deref(m.GetRoleDefinitionId()),
		DirectoryScopeID: deref(m.GetDirectoryScopeId()),
		StartDateTime:    derefTime(m.GetStartDateTime()),
		EndDateTime:      derefTime(m.GetEndDateTime()),
		RoleAssignmentID: deref(m.GetRoleAssignmentOriginId()),
	}
}

// groupFromModel converts a group. A group whose isAssignableToRole the
// answer leaves out (a credential that may read the membership but not
// the group's properties gets "limited information") counts as possibly
// role-assignable: its roles are read rather than assumed absent.
func groupFromModel(m models.Groupable) directory.Group {
	return directory.Group{ID: deref(m.GetId()), DisplayName: deref(m.GetDisplayName()), IsAssignableToRole: derefBool(m.GetIsAssignableToRole())}
}

func mayHoldRoles(m models.Groupable) bool {
	return m.GetIsAssignableToRole() == nil || *m.GetIsAssignableToRole()
}

func roleDefinitionFromModel(m models.UnifiedRoleDefinitionable) directory.RoleDefinition {
	return directory.RoleDefinition{ID: deref(m.GetId()), DisplayName: deref(m.GetDisplayName()), IsBuiltIn: derefBool(m.GetIsBuiltIn())}
}

func unitFromModel(m models.AdministrativeUnitable) directory.DirectoryScope {
	return directory.DirectoryScope{ID: directory.AdministrativeUnitScope(deref(m.GetId())), Type: directory.ScopeTypeAdministrativeUnit, DisplayName: deref(m.GetDisplayName())}
}

// groupCandidates keeps the groups that may hold roles.
var groupCandidates = collectionOf[models.GroupCollectionResponseable](
	models.CreateGroupCollectionResponseFromDiscriminatorValue, func(m models.Groupable) *directory.Group {
		if !mayHoldRoles(m) {
			return nil
		}
		g := groupFromModel(m)
		return &g
	})

// rolePathItems are the $batch items that read a user's role paths.
type rolePathItems struct {
	// principal is the object ID the PIM items of the first batch were
	// addressed to; "" when the user was given by a UPN not seen yet.
	principal string

	eligibilities, active, groups, definitions, units *batchItem
	perGroup                                          []groupItems
	groupsErr                                         error

	// shared is set when groups is a [listMemberships] item the Snapshot
	// shares with MemberOf; memberOf is then that part's answer.
	shared      bool
	memberOf    []directory.Group
	memberOfErr error
}

type groupItems struct {
	group                 directory.Group
	assignments, eligible *batchItem
}

// newRolePathItems returns the items of the first $batch: the PIM reads
// when the user's object ID is known, and the group memberships and names,
// which need no object ID. The memberships are shared when given (a
// [listMemberships] item the caller batches): they are then not among the
// items returned.
func newRolePathItems(principal, key string, shared *batchItem) (*rolePathItems, []*batchItem) {
	p := &rolePathItems{
		principal:   principal,
		groups:      shared,
		shared:      shared != nil,
		definitions: item(listCustomRoleDefinitions()),
		units:       item(listUnits()),
	}
	items := []*batchItem{p.definitions, p.units}
	if !p.shared {
		p.groups = item(listGroups(firstNonEmpty(principal, key)))
		items = append([]*batchItem{p.groups}, items...)
	}
	if principal != "" {
		p.eligibilities, p.active = item(listEligibilities(principal)), item(listActiveSchedules(principal))
		items = append(items, p.eligibilities, p.active)
	}
	return p, items
}

// secondItems are the items of the second $batch: the PIM reads when the
// first batch could not address them by the user's object ID (or
// addressed a stale one), and each role-assignable group's roles. It
// reads the group memberships the first batch listed (pages after the
// first cost a round trip each); when the first batch addressed them to a
// stale object ID (the UPN now names a re-created user), it lists them
// again by userID first, one more round trip.
func (p *rolePathItems) secondItems(ctx context.Context, d *Directory, userID string) []*batchItem {
	var items []*batchItem
	if p.eligibilities == nil || !strings.EqualFold(p.principal, userID) {
		p.eligibilities, p.active = item(listEligibilities(userID)), item(listActiveSchedules(userID))
		items = append(items, p.eligibilities, p.active)
	}
	if p.principal != "" && !strings.EqualFold(p.principal, userID) {
		if p.shared {
			p.groups = item(listMemberships(userID))
		} else {
			p.groups = item(listGroups(userID))
		}
		_ = d.batch(ctx, []*batchItem{p.groups}) // the item records its outcome
	}
	var gs []*directory.Group
	var err error
	if p.shared {
		p.memberOf, gs, err = splitMemberships(readList(ctx, d, p.groups, userMemberships))
		p.memberOfErr = err
	} else {
		gs, err = readList(ctx, d, p.groups, groupCandidates)
	}
	if err != nil {
		p.groupsErr = err
		return items
	}
	for _, g := range gs {
		if g == nil {
			continue
		}
		gi := groupItems{group: *g, assignments: item(listAssignments(g.ID)), eligible: item(listEligibilities(g.ID))}
		p.perGroup = append(p.perGroup, gi)
		items = append(items, gi.assignments, gi.eligible)
	}
	return items
}

// read reads the answers into RolePaths; direct are the user's own
// assignments, for naming.
func (p *rolePathItems) read(ctx context.Context, d *Directory, direct []directory.RoleAssignment) directory.RolePaths {
	var r directory.RolePaths
	r.Eligibilities, r.EligibilitiesErr = readList(ctx, d, p.eligibilities, eligibilities)
	r.ActiveSchedules, r.ActiveSchedulesErr = readList(ctx, d, p.active, activeSchedules)
	if r.GroupsErr = p.groupsErr; r.GroupsErr == nil {
		r.Groups = []directory.GroupRoles{}
		for _, gi := range p.perGroup {
			gr := directory.GroupRoles{Group: gi.group}
			gr.RoleAssignments, gr.RoleAssignmentsErr = readList(ctx, d, gi.assignments, assignments)
			gr.Eligibilities, gr.EligibilitiesErr = readList(ctx, d, gi.eligible, eligibilities)
			r.Groups = append(r.Groups, gr)
		}
	}
	roleRefs, scopeRefs := references(direct, r)
	for _, def := range firstPage(p.definitions, roleDefinitions) {
		if roleRefs[strings.ToLower(def.ID)] && !def.IsBuiltIn {
			r.RoleDefinitions = append(r.RoleDefinitions, def)
		}
	}
	for _, u := range firstPage(p.units, units) {
		if scopeRefs[strings.ToLower(u.ID)] {
			r.Scopes = append(r.Scopes, u)
		}
	}
	slices.SortFunc(r.RoleDefinitions, func(a, b directory.RoleDefinition) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(r.Scopes, func(a, b directory.DirectoryScope) int { return strings.Compare(a.ID, b.ID) })
	return r
}

// references are the role definition IDs and scope IDs (lower case) the
// paths refer to.
func references(direct []directory.RoleAssignment, r directory.RolePaths) (roles, scopes map[string]bool) {
	roles, scopes = map[string]bool{}, map[string]bool{}
	add := func(role, scope string) {
		roles[strings.ToLower(role)], scopes[strings.ToLower(scope)] = true, true
	}
	for _, a := range direct {
		add(a.RoleDefinitionID, a.DirectoryScopeID)
	}
	for _, s := range slices.Concat(r.Eligibilities, r.ActiveSchedules) {
		add(s.RoleDefinitionID, s.DirectoryScopeID)
	}
	for _, g := range r.Groups {
		for _, a := range g.RoleAssignments {
			add(a.RoleDefinitionID, a.DirectoryScopeID)
		}
		for _, s := range g.Eligibilities {
			add(s.RoleDefinitionID, s.DirectoryScopeID)
		}
	}
	return roles, scopes
}

// firstPage decodes the first page of a names list; a names list that
// could not be read leaves the names unknown (the evidence then gives IDs).
func firstPage[T any](it *batchItem, c collection[T]) []T {
	if it.error() != nil {
		return nil
	}
	items, _, err := c.readPage(it.request, it.answer())
	if err != nil {
		return nil
	}
	return items
}

// RolePaths implements [directory.RolePathReader] with the Snapshot's
// reads: one $batch round trip, two when the user is a member of a
// role-assignable group.
func (d *Directory) RolePaths(ctx context.Context, userID string) (directory.RolePaths, error) {
	snap, err := d.Snapshot(ctx, directory.SnapshotRequest{User: userID, RoleAssignments: true, RolePaths: true})
	if err != nil {
		return directory.RolePaths{}, err
	}
	return snap.RolePaths, nil
}

// SignInActivity implements [directory.SignInActivityReader]: GET
// /users/{id}?$select=id,signInActivity, which needs AuditLog.Read.All and
// a tenant with Microsoft Entra ID P1.
func (d *Directory) SignInActivity(ctx context.Context, userID string) (directory.SignInActivity, error) {
	r := getSignInActivity(userID)
	if userID == "" {
		return directory.SignInActivity{}, invalidArgument(r.op, r.object, "empty object ID")
	}
	a, err := d.do(ctx, r)
	if err != nil {
		return directory.SignInActivity{}, err
	}
	return readSignInActivity(r, a)
}

func readSignInActivity(r *request, a *answer) (directory.SignInActivity, error) {
	m, err := decode[models.Userable](a.body, models.CreateUserFromDiscriminatorValue)
	if err != nil || m == nil {
		return directory.SignInActivity{}, unexpected(r.op, r.object, a.status, "no user object")
	}
	var out directory.SignInActivity
	if s := m.GetSignInActivity(); s != nil {
		out.LastSuccessfulSignInDateTime = derefTime(s.GetLastSuccessfulSignInDateTime())
	}
	return out, nil
}

// readSignInItem reads the sign-in activity a $batch item got.
func readSignInItem(it *batchItem) (directory.SignInActivity, error) {
	if err := it.error(); err != nil {
		return directory.SignInActivity{}, err
	}
	return readSignInActivity(it.request, it.answer())
}
