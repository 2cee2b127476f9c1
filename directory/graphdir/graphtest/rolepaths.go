package graphtest

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/cloudhub/consent/directory"
)

// Endpoints of the other paths to a role (the Fake's role paths), with the
// JSON shapes of Microsoft's documentation:
//
//   - https://learn.microsoft.com/graph/api/rbacapplication-list-roleeligibilityschedules
//     (unifiedRoleEligibilitySchedule: scheduleInfo.startDateTime,
//     scheduleInfo.expiration {type noExpiration | afterDateTime, endDateTime})
//   - https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignmentscheduleinstances
//     (unifiedRoleAssignmentScheduleInstance: startDateTime, endDateTime,
//     assignmentType, memberType, roleAssignmentOriginId)
//   - https://learn.microsoft.com/graph/api/user-list-transitivememberof
//     (cast to microsoft.graph.group, $select id, displayName, isAssignableToRole)
//   - https://learn.microsoft.com/graph/api/rbacapplication-list-roledefinitions
//     ($filter=isBuiltIn eq false)
//   - https://learn.microsoft.com/graph/api/directory-list-administrativeunits
//   - https://learn.microsoft.com/graph/api/resources/signinactivity
//     (GET /users/{id}?$select=signInActivity)
//
// A tenant without Microsoft Entra ID P2 (directorytest.Fake.SetPremiumP2)
// answers the PIM reads with error code AadPremiumLicenseRequired, status
// Options.LicenseRequiredStatus (400 by default, as observed; Microsoft
// does not document it).
const (
	ListRoleEligibilitySchedules        Endpoint = "GET /roleManagement/directory/roleEligibilitySchedules"
	ListRoleAssignmentScheduleInstances Endpoint = "GET /roleManagement/directory/roleAssignmentScheduleInstances"
	ListTransitiveMemberOfGroups        Endpoint = "GET /users/{id}/transitiveMemberOf/microsoft.graph.group"
	ListRoleDefinitions                 Endpoint = "GET /roleManagement/directory/roleDefinitions"
	ListAdministrativeUnits             Endpoint = "GET /directory/administrativeUnits"
	// GetSignInActivity is GET /users/{id}?$select=signInActivity, for
	// DenyPermission; the request log records it as GetUser.
	GetSignInActivity Endpoint = "GET /users/{id}?$select=signInActivity"
)

// licenseRequiredMessage is Graph's message for a PIM read in a tenant
// without P2.
const licenseRequiredMessage = "The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license."

// routeRolePaths routes the role-path collections under /roleManagement
// and /directory.
func routeRolePaths(method string, segs segments) (route, bool) {
	if method != http.MethodGet {
		return route{}, false
	}
	switch {
	case len(segs) == 3 && segs.is(0, "roleManagement") && segs.is(1, "directory") && segs.is(2, "roleEligibilitySchedules"):
		return route{endpoint: ListRoleEligibilitySchedules}, true
	case len(segs) == 3 && segs.is(0, "roleManagement") && segs.is(1, "directory") && segs.is(2, "roleAssignmentScheduleInstances"):
		return route{endpoint: ListRoleAssignmentScheduleInstances}, true
	case len(segs) == 3 && segs.is(0, "roleManagement") && segs.is(1, "directory") && segs.is(2, "roleDefinitions"):
		return route{endpoint: ListRoleDefinitions}, true
	case len(segs) == 2 && segs.is(0, "directory") && segs.is(1, "administrativeUnits"):
		return route{endpoint: ListAdministrativeUnits}, true
	}
	return route{}, false
}

// routeUserRolePaths routes /users/{key}/transitiveMemberOf/microsoft.graph.group.
func routeUserRolePaths(method, key string, rest segments) (route, bool) {
	if method == http.MethodGet && len(rest) == 2 && rest.is(0, "transitiveMemberOf") && rest.is(1, "microsoft.graph.group") {
		return route{endpoint: ListTransitiveMemberOfGroups, key: key}, true
	}
	return route{}, false
}

// scheduleReader lists PIM schedules: the fake for the application, the
// signed-in view (with its rule) for a user's token.
type scheduleReader interface {
	Eligibilities(ctx context.Context, principalID string) ([]directory.RoleSchedule, error)
	ActiveSchedules(ctx context.Context, principalID string) ([]directory.RoleSchedule, error)
}

func (c *call) schedules() scheduleReader {
	if c.who.view != nil {
		return c.who.view
	}
	return c.s.fake
}

// serveRolePaths serves the role-path endpoints; ok is false for any other.
// A user's token reads the PIM lists through the signed-in view, under its
// rule (a PIM reader role, even for one's own); it is denied the others,
// which the view does not model.
func (c *call) serveRolePaths(rt route) (response, bool) {
	switch rt.endpoint {
	case ListTransitiveMemberOfGroups, ListRoleDefinitions, ListAdministrativeUnits:
		if c.who.view != nil {
			return c.fail(http.StatusForbidden, "Authorization_RequestDenied", deniedMessage), true
		}
	}
	switch rt.endpoint {
	case ListRoleEligibilitySchedules:
		return c.listEligibilitySchedules(), true
	case ListRoleAssignmentScheduleInstances:
		return c.listAssignmentScheduleInstances(), true
	case ListTransitiveMemberOfGroups:
		return c.listTransitiveGroups(rt.key), true
	case ListRoleDefinitions:
		return c.listRoleDefinitions(), true
	case ListAdministrativeUnits:
		return c.listAdministrativeUnits(), true
	}
	return response{}, false
}

// pimError is Graph's answer to a failed PIM read.
func (c *call) pimError(err error, object string) response {
	if errors.Is(err, directory.ErrNotLicensed) {
		return c.fail(c.s.licenseRequiredStatus, "AadPremiumLicenseRequired", licenseRequiredMessage)
	}
	return c.fakeError(err, object)
}

// principalOf parses the $filter=principalId eq '...' every PIM list needs
// here.
func (c *call) principalOf(what string) (string, *response) {
	f := c.query.Get("$filter")
	if f == "" {
		r := c.fail(http.StatusBadRequest, "Request_UnsupportedQuery", "graphtest lists "+what+" only with $filter=principalId eq '<id>'.")
		return "", &r
	}
	principal, err := parsePrincipalFilter(f)
	if err != nil {
		r := c.fail(http.StatusBadRequest, "BadRequest", "Invalid filter clause: "+err.Error())
		return "", &r
	}
	return principal, nil
}

// GET /roleManagement/directory/roleEligibilitySchedules?$filter=principalId eq '...'
func (c *call) listEligibilitySchedules() response {
	principal, bad := c.principalOf("role eligibility schedules")
	if bad != nil {
		return *bad
	}
	es, err := c.schedules().Eligibilities(c.ctx, principal)
	if err != nil {
		return c.pimError(err, principal)
	}
	items := make([]any, len(es))
	for i, e := range es {
		expiration := object{{"type", "noExpiration"}, {"endDateTime", nil}, {"duration", nil}}
		if !e.EndDateTime.IsZero() {
			expiration = object{{"type", "afterDateTime"}, {"endDateTime", graphTime(e.EndDateTime)}, {"duration", nil}}
		}
		items[i] = object{
			{"@odata.type", "#microsoft.graph.unifiedRoleEligibilitySchedule"},
			{"id", e.ID},
			{"principalId", e.PrincipalID},
			{"roleDefinitionId", e.RoleDefinitionID},
			{"directoryScopeId", e.DirectoryScopeID},
			{"appScopeId", nil},
			{"createdUsing", e.ID},
			{"createdDateTime", graphTime(e.StartDateTime)},
			{"modifiedDateTime", nil},
			{"status", "Provisioned"},
			{"memberType", "Direct"},
			{"scheduleInfo", object{
				{"startDateTime", graphTime(e.StartDateTime)},
				{"recurrence", nil},
				{"expiration", expiration},
			}},
		}
	}
	return c.page("roleManagement/directory/roleEligibilitySchedules", items)
}

// GET /roleManagement/directory/roleAssignmentScheduleInstances?$filter=principalId eq '...'
func (c *call) listAssignmentScheduleInstances() response {
	principal, bad := c.principalOf("role assignment schedule instances")
	if bad != nil {
		return *bad
	}
	ss, err := c.schedules().ActiveSchedules(c.ctx, principal)
	if err != nil {
		return c.pimError(err, principal)
	}
	items := make([]any, len(ss))
	for i, s := range ss {
		items[i] = object{
			{"id", s.ID},
			{"principalId", s.PrincipalID},
			{"roleDefinitionId", s.RoleDefinitionID},
			{"directoryScopeId", s.DirectoryScopeID},
			{"appScopeId", nil},
			{"startDateTime", graphTime(s.StartDateTime)},
			{"endDateTime", graphTime(s.EndDateTime)},
			{"assignmentType", "Assigned"},
			{"memberType", "Direct"},
			{"roleAssignmentOriginId", s.RoleAssignmentID},
			{"roleAssignmentScheduleId", s.RoleAssignmentID},
		}
	}
	return c.page("roleManagement/directory/roleAssignmentScheduleInstances", items)
}

// groupProperties are the group properties $select may name here.
var groupProperties = []string{"id", "displayName", "isAssignableToRole"}

// GET /users/{id | userPrincipalName}/transitiveMemberOf/microsoft.graph.group
func (c *call) listTransitiveGroups(key string) response {
	sel, bad, ok := c.groupSelect(groupProperties)
	if !ok {
		return bad
	}
	gs, err := c.s.fake.MemberOf(c.ctx, key)
	if err != nil {
		return c.fakeError(err, key)
	}
	return c.page("groups("+strings.Join(sel, ",")+")", groupObjects(gs, sel))
}

// groupSelect returns the group properties $select names (def without
// one), or the 400 Graph answers for a property a group does not have.
func (c *call) groupSelect(def []string) (sel []string, bad response, ok bool) {
	if sel, bad, ok = c.selectProps("group", groupProperties); ok && sel == nil {
		sel = def
	}
	return sel, bad, ok
}

// groupObjects are the groups as group objects with the properties sel.
func groupObjects(gs []directory.Group, sel []string) []any {
	items := make([]any, len(gs))
	for i, g := range gs {
		o := object{{"@odata.type", "#microsoft.graph.group"}}
		for _, p := range sel {
			switch p {
			case "id":
				o = append(o, field{p, g.ID})
			case "displayName":
				o = append(o, field{p, nullable(g.DisplayName)})
			case "isAssignableToRole":
				o = append(o, field{p, g.IsAssignableToRole})
			}
		}
		items[i] = o
	}
	return items
}

// GET /roleManagement/directory/roleDefinitions?$filter=isBuiltIn eq false
func (c *call) listRoleDefinitions() response {
	if f := strings.Join(strings.Fields(c.query.Get("$filter")), " "); !strings.EqualFold(f, "isBuiltIn eq false") {
		return c.fail(http.StatusBadRequest, "Request_UnsupportedQuery", "graphtest lists role definitions only with $filter=isBuiltIn eq false.")
	}
	ds, err := c.s.fake.CustomRoleDefinitions(c.ctx)
	if err != nil {
		return c.fakeError(err, "roleDefinitions")
	}
	items := make([]any, len(ds))
	for i, d := range ds {
		items[i] = object{
			{"id", d.ID},
			{"displayName", d.DisplayName},
			{"isBuiltIn", d.IsBuiltIn},
			{"isEnabled", true},
			{"templateId", d.ID},
		}
	}
	return c.page("roleManagement/directory/roleDefinitions", items)
}

// GET /directory/administrativeUnits
func (c *call) listAdministrativeUnits() response {
	us, err := c.s.fake.AdministrativeUnits(c.ctx)
	if err != nil {
		return c.fakeError(err, "administrativeUnits")
	}
	items := make([]any, len(us))
	for i, u := range us {
		items[i] = object{
			{"@odata.type", "#microsoft.graph.administrativeUnit"},
			{"id", strings.TrimPrefix(u.ID, directory.AdministrativeUnitScope(""))},
			{"displayName", u.DisplayName},
		}
	}
	return c.page("directory/administrativeUnits", items)
}

// selectsSignInActivity reports whether a user $select names signInActivity.
func selectsSignInActivity(sel string) bool {
	for _, p := range strings.Split(sel, ",") {
		if strings.EqualFold(strings.TrimSpace(p), "signInActivity") {
			return true
		}
	}
	return false
}

// GET /users/{id}?$select=id,signInActivity
func (c *call) getSignInActivity(key string) response {
	if c.s.denied(GetSignInActivity) || c.who.view != nil {
		return c.fail(http.StatusForbidden, "Authorization_RequestDenied", deniedMessage)
	}
	a, err := c.s.fake.SignInActivity(c.ctx, key)
	if err != nil {
		return c.fakeError(err, key)
	}
	u, err := c.s.fake.User(c.ctx, key)
	if err != nil {
		return c.fakeError(err, key)
	}
	last := graphTime(a.LastSuccessfulSignInDateTime)
	return response{status: http.StatusOK, body: object{
		{"@odata.context", c.s.URL + "/$metadata#users(id,signInActivity)/$entity"},
		{"id", u.ID},
		{"signInActivity", object{
			{"lastSignInDateTime", last},
			{"lastSignInRequestId", nil},
			{"lastNonInteractiveSignInDateTime", nil},
			{"lastNonInteractiveSignInRequestId", nil},
			{"lastSuccessfulSignInDateTime", last},
			{"lastSuccessfulSignInRequestId", nil},
		}},
	}}
}
