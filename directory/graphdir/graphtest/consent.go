package graphtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cloudhub/consent/directory"
)

// The consent endpoints: service principals addressed by appId and
// delegated permission grants (oAuth2PermissionGrant), with the shapes of
// their Microsoft Learn pages:
// https://learn.microsoft.com/graph/api/serviceprincipal-get,
// https://learn.microsoft.com/graph/api/serviceprincipal-list-oauth2permissiongrants,
// https://learn.microsoft.com/graph/api/serviceprincipal-post-serviceprincipals,
// https://learn.microsoft.com/graph/api/oauth2permissiongrant-post,
// https://learn.microsoft.com/graph/api/oauth2permissiongrant-update and
// https://learn.microsoft.com/graph/api/oauth2permissiongrant-delete.
const (
	GetServicePrincipal    Endpoint = "GET /servicePrincipals(appId='{appId}')"
	ListPermissionGrants   Endpoint = "GET /servicePrincipals(appId='{appId}')/oauth2PermissionGrants"
	CreateServicePrincipal Endpoint = "POST /servicePrincipals"
	CreatePermissionGrant  Endpoint = "POST /oauth2PermissionGrants"
	UpdatePermissionGrant  Endpoint = "PATCH /oauth2PermissionGrants/{id}"
	DeletePermissionGrant  Endpoint = "DELETE /oauth2PermissionGrants/{id}"
)

// Messages of the consent answers, as observed from Graph.
const (
	duplicateGrantMessage = "Permission entry already exists."
	duplicateSPMessage    = "The service principal cannot be created, updated, or restored because the service principal name %s is already in use."
)

// parseConsentRoute routes the consent endpoints; ok is false for any
// other path.
func parseConsentRoute(method string, segs segments) (route, bool) {
	const spKey = "servicePrincipals(appId="
	switch {
	case len(segs) == 1 && segs.is(0, "servicePrincipals") && method == http.MethodPost:
		return route{endpoint: CreateServicePrincipal}, true
	case len(segs) == 1 && segs.is(0, "oauth2PermissionGrants") && method == http.MethodPost:
		return route{endpoint: CreatePermissionGrant}, true
	case len(segs) == 2 && segs.is(0, "oauth2PermissionGrants"):
		id, err := url.PathUnescape(segs[1])
		if err != nil {
			return route{err: "Invalid grant ID: " + err.Error()}, true
		}
		switch method {
		case http.MethodPatch:
			return route{endpoint: UpdatePermissionGrant, key: id}, true
		case http.MethodDelete:
			return route{endpoint: DeletePermissionGrant, key: id}, true
		}
		return route{}, true
	case len(segs[0]) > len(spKey) && strings.EqualFold(segs[0][:len(spKey)], spKey) && strings.HasSuffix(segs[0], ")"):
		lit, err := url.PathUnescape(segs[0][len(spKey) : len(segs[0])-1])
		if err != nil {
			return route{err: "Invalid key: " + err.Error()}, true
		}
		appID, ok := parseStringLiteral(lit)
		if !ok {
			return route{err: fmt.Sprintf("Invalid key literal %s: want a single-quoted OData string", lit)}, true
		}
		switch {
		case len(segs) == 1 && method == http.MethodGet:
			return route{endpoint: GetServicePrincipal, key: appID}, true
		case len(segs) == 2 && segs.is(1, "oauth2PermissionGrants") && method == http.MethodGet:
			return route{endpoint: ListPermissionGrants, key: appID}, true
		}
		return route{}, true
	}
	return route{}, false
}

// consent serves the consent endpoints; ok is false for any other. It
// reads through the identity's directory (a user's signed-in view reads
// under its rules) and writes only for an application.
func (c *call) consent(rt route) (response, bool) {
	r, rok := c.dir.(directory.ConsentReader)
	d, wok := c.dir.(directory.ConsentGranter)
	switch rt.endpoint {
	case GetServicePrincipal, ListPermissionGrants:
		if !rok {
			return c.fail(http.StatusForbidden, "Authorization_RequestDenied", deniedMessage), true
		}
	case CreateServicePrincipal, CreatePermissionGrant, UpdatePermissionGrant, DeletePermissionGrant:
		if !wok {
			return c.fail(http.StatusForbidden, "Authorization_RequestDenied", deniedMessage), true
		}
	}
	switch rt.endpoint {
	case GetServicePrincipal:
		return c.getServicePrincipal(r, rt.key), true
	case ListPermissionGrants:
		return c.listPermissionGrants(r, rt.key), true
	case CreateServicePrincipal:
		return c.createServicePrincipal(d), true
	case CreatePermissionGrant:
		return c.createPermissionGrant(d), true
	case UpdatePermissionGrant:
		return c.updatePermissionGrant(d, rt.key), true
	case DeletePermissionGrant:
		if err := d.DeletePermissionGrant(c.ctx, rt.key); err != nil {
			return c.fakeError(err, rt.key), true
		}
		return response{status: http.StatusNoContent}, true
	}
	return response{}, false
}

// servicePrincipalProperties are the properties of a servicePrincipal the
// server models; $select may name only these.
var servicePrincipalProperties = []string{"id", "appId", "displayName", "accountEnabled"}

func servicePrincipalFields(sp directory.ServicePrincipal, props []string) object {
	o := make(object, 0, len(props))
	for _, p := range props {
		var v any
		switch p {
		case "id":
			v = sp.ID
		case "appId":
			v = sp.AppID
		case "displayName":
			v = nullable(sp.DisplayName)
		case "accountEnabled":
			v = sp.AccountEnabled
		}
		o = append(o, field{p, v})
	}
	return o
}

// GET /servicePrincipals(appId='{appId}')
func (c *call) getServicePrincipal(d directory.ConsentReader, appID string) response {
	props, bad, ok := c.selectProps("servicePrincipal", servicePrincipalProperties)
	if !ok {
		return bad
	}
	ctxURL := "servicePrincipals/$entity"
	if props != nil {
		ctxURL = "servicePrincipals(" + strings.Join(props, ",") + ")/$entity"
	} else {
		props = servicePrincipalProperties
	}
	sp, err := d.ServicePrincipal(c.ctx, appID)
	if err != nil {
		return c.fakeError(err, appID)
	}
	o := object{{"@odata.context", c.s.URL + "/$metadata#" + ctxURL}}
	return response{status: http.StatusOK, body: append(o, servicePrincipalFields(sp, props)...)}
}

// grantObject renders a grant as the documented examples do.
func grantObject(g directory.PermissionGrant) object {
	return object{
		{"clientId", g.ClientID},
		{"consentType", g.ConsentType},
		{"id", g.ID},
		{"principalId", nullable(g.PrincipalID)},
		{"resourceId", g.ResourceID},
		{"scope", g.Scope},
	}
}

// GET /servicePrincipals(appId='{appId}')/oauth2PermissionGrants
func (c *call) listPermissionGrants(d directory.ConsentReader, appID string) response {
	gs, err := d.PermissionGrants(c.ctx, appID)
	if err != nil {
		return c.fakeError(err, appID)
	}
	items := make([]any, len(gs))
	for i, g := range gs {
		items[i] = grantObject(g)
	}
	return c.page("oauth2PermissionGrants", items)
}

// POST /servicePrincipals {"appId": ...}
func (c *call) createServicePrincipal(d directory.ConsentGranter) response {
	var in struct {
		AppID *string `json:"appId"`
	}
	if err := json.Unmarshal(c.body, &in); err != nil {
		return c.fail(http.StatusBadRequest, "BadRequest", "Unable to read JSON request payload: "+err.Error())
	}
	if in.AppID == nil {
		return c.fail(http.StatusBadRequest, "Request_BadRequest", "Property 'appId' is required when creating the entity.",
			errorDetail{Code: "PropertyRequired", Target: "appId"})
	}
	sp, err := d.CreateServicePrincipal(c.ctx, *in.AppID)
	switch {
	case errors.Is(err, directory.ErrExists):
		return c.fail(http.StatusConflict, "Request_MultipleObjectsWithSameKeyValue", fmt.Sprintf(duplicateSPMessage, *in.AppID),
			errorDetail{Code: "ObjectConflict", Target: "servicePrincipalNames"})
	case err != nil:
		return c.fakeError(err, *in.AppID)
	}
	o := object{{"@odata.context", c.s.URL + "/$metadata#servicePrincipals/$entity"}}
	return response{status: http.StatusCreated, body: append(o, servicePrincipalFields(sp, servicePrincipalProperties)...)}
}

// grantBody is the part of a POST or PATCH /oauth2PermissionGrants body the
// server reads.
type grantBody struct {
	ClientID    *string `json:"clientId"`
	ConsentType *string `json:"consentType"`
	PrincipalID *string `json:"principalId"`
	ResourceID  *string `json:"resourceId"`
	Scope       *string `json:"scope"`
}

// POST /oauth2PermissionGrants
func (c *call) createPermissionGrant(d directory.ConsentGranter) response {
	var in grantBody
	if err := json.Unmarshal(c.body, &in); err != nil {
		return c.fail(http.StatusBadRequest, "BadRequest", "Unable to read JSON request payload: "+err.Error())
	}
	for _, req := range []struct {
		name    string
		missing bool
	}{
		{"clientId", in.ClientID == nil},
		{"consentType", in.ConsentType == nil},
		{"resourceId", in.ResourceID == nil},
	} {
		if req.missing {
			return c.fail(http.StatusBadRequest, "Request_BadRequest", fmt.Sprintf("Property '%s' is required when creating the entity.", req.name),
				errorDetail{Code: "PropertyRequired", Target: req.name})
		}
	}
	g, err := d.CreatePermissionGrant(c.ctx, directory.PermissionGrant{
		ClientID: *in.ClientID, ConsentType: *in.ConsentType, PrincipalID: deref(in.PrincipalID),
		ResourceID: *in.ResourceID, Scope: deref(in.Scope),
	})
	switch {
	case errors.Is(err, directory.ErrExists):
		return c.fail(http.StatusConflict, "Request_MultipleObjectsWithSameKeyValue", duplicateGrantMessage)
	case err != nil:
		return c.fakeError(err, *in.ClientID)
	}
	o := object{{"@odata.context", c.s.URL + "/$metadata#oauth2PermissionGrants/$entity"}}
	return response{status: http.StatusCreated, body: append(o, grantObject(g)...)}
}

// PATCH /oauth2PermissionGrants/{id}: only scope may change.
func (c *call) updatePermissionGrant(d directory.ConsentGranter, id string) response {
	var in grantBody
	if err := json.Unmarshal(c.body, &in); err != nil {
		return c.fail(http.StatusBadRequest, "BadRequest", "Unable to read JSON request payload: "+err.Error())
	}
	if in.ClientID != nil || in.ConsentType != nil || in.PrincipalID != nil || in.ResourceID != nil {
		return c.fail(http.StatusBadRequest, "Request_BadRequest", "graphtest updates the scope of a grant only.")
	}
	if in.Scope == nil {
		return c.fail(http.StatusBadRequest, "Request_BadRequest", "Property 'scope' is required.")
	}
	if err := d.UpdatePermissionGrantScope(c.ctx, id, *in.Scope); err != nil {
		return c.fakeError(err, id)
	}
	return response{status: http.StatusNoContent}
}
