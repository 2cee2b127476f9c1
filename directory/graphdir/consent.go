package graphdir

import (
	"context"
	"net/http"

	"github.com/cloudhub/consent/directory"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// The consent capability ([directory.ConsentReader],
// [directory.ConsentGranter]): service principals and delegated permission
// grants (oAuth2PermissionGrant). Each request is described once and sent
// alone or, for the reads, as items of [Directory.Snapshot]'s $batch.

var (
	_ directory.ConsentReader  = (*Directory)(nil)
	_ directory.ConsentGranter = (*Directory)(nil)
)

const (
	opGetServicePrincipal    op = "get service principal of application"
	opListPermissionGrants   op = "list delegated permission grants of application"
	opCreateServicePrincipal op = "create service principal of application"
	opCreatePermissionGrant  op = "create delegated permission grant"
	opUpdatePermissionGrant  op = "update delegated permission grant"
	opDeletePermissionGrant  op = "delete delegated permission grant"
)

// consentRequirement is [endpoint.requirement] for the consent endpoints.
func consentRequirement(e endpoint) directory.Requirement {
	// Writing a grant or a service principal, a delegated caller needs
	// one of these roles (Microsoft Entra "Grant tenant-wide admin consent
	// to an application" and the pages below).
	appAdmins := []string{"Cloud Application Administrator", "Application Administrator"}
	switch e {
	case endpointGetServicePrincipal:
		// https://learn.microsoft.com/graph/api/serviceprincipal-get
		return directory.Requirement{Permissions: []string{"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All"}}
	case endpointListPermissionGrants:
		// https://learn.microsoft.com/graph/api/serviceprincipal-list-oauth2permissiongrants:
		// Directory.Read.All is the least privileged permission it lists.
		return directory.Requirement{Permissions: []string{"Directory.Read.All", "DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All"},
			Roles: []string{"Directory Readers", "Global Reader", "Application Administrator", "Cloud Application Administrator"}}
	case endpointCreateServicePrincipal:
		// https://learn.microsoft.com/graph/api/serviceprincipal-post-serviceprincipals
		return directory.Requirement{Permissions: []string{"Application.ReadWrite.All", "Directory.ReadWrite.All"}, Roles: appAdmins}
	case endpointCreatePermissionGrant:
		// https://learn.microsoft.com/graph/api/oauth2permissiongrant-post
		return directory.Requirement{Permissions: []string{"DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All"}, Roles: appAdmins}
	case endpointUpdatePermissionGrant:
		// https://learn.microsoft.com/graph/api/oauth2permissiongrant-update
		return directory.Requirement{Permissions: []string{"DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All"}, Roles: appAdmins}
	case endpointDeletePermissionGrant:
		// https://learn.microsoft.com/graph/api/oauth2permissiongrant-delete
		return directory.Requirement{Permissions: []string{"DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All"}, Roles: appAdmins}
	}
	return directory.Requirement{}
}

// servicePrincipalSelect is the $select of every service principal read.
const servicePrincipalSelect = "$select=id,appId,displayName,accountEnabled"

// servicePrincipalPath addresses a service principal by its appId
// alternate key, as "Get servicePrincipal" documents:
// /servicePrincipals(appId='{appId}').
func servicePrincipalPath(appID string) string {
	return "/servicePrincipals(appId=" + keyLiteral(appID) + ")"
}

// getServicePrincipal is GET /servicePrincipals(appId='{appId}').
func getServicePrincipal(appID string) *request {
	return get(opGetServicePrincipal, quote(appID), servicePrincipalPath(appID)+"?"+servicePrincipalSelect, endpointGetServicePrincipal)
}

// listPermissionGrants is GET
// /servicePrincipals(appId='{appId}')/oauth2PermissionGrants: the grants
// whose client is the application's service principal
// (https://learn.microsoft.com/graph/api/serviceprincipal-list-oauth2permissiongrants
// addresses the service principal by id or appId). Addressed by appId, it
// needs no earlier read of the service principal's object ID, and so joins
// the same $batch.
func listPermissionGrants(appID string) *request {
	return get(opListPermissionGrants, quote(appID), servicePrincipalPath(appID)+"/oauth2PermissionGrants", endpointListPermissionGrants)
}

// createServicePrincipal is POST /servicePrincipals {"appId": ...}.
func createServicePrincipal(appID string) *request {
	body := models.NewServicePrincipal()
	body.SetOdataType(nil)
	body.SetAppId(&appID)
	return (&request{op: opCreateServicePrincipal, object: quote(appID), method: http.MethodPost, path: "/servicePrincipals", need: endpointCreateServicePrincipal}).withBody(body)
}

// createPermissionGrant is POST /oauth2PermissionGrants with the body of
// Microsoft's documented example (clientId, consentType, principalId,
// resourceId, scope).
func createPermissionGrant(g directory.PermissionGrant) *request {
	body := models.NewOAuth2PermissionGrant()
	body.SetOdataType(nil)
	body.SetClientId(&g.ClientID)
	body.SetConsentType(&g.ConsentType)
	if g.PrincipalID != "" {
		body.SetPrincipalId(&g.PrincipalID)
	}
	body.SetResourceId(&g.ResourceID)
	body.SetScope(&g.Scope)
	object := "client " + quote(g.ClientID) + " for " + g.ConsentType + " " + quote(g.PrincipalID)
	return (&request{op: opCreatePermissionGrant, object: object, method: http.MethodPost, path: "/oauth2PermissionGrants", need: endpointCreatePermissionGrant}).withBody(body)
}

// grantPath is /oauth2PermissionGrants/{id}.
func grantPath(id string) string { return "/oauth2PermissionGrants/" + escapeSegment(id) }

// updatePermissionGrant is PATCH /oauth2PermissionGrants/{id} {"scope":
// ...}. Setting the same scope twice has the same effect as once, so the
// request may be sent again after a lost connection.
func updatePermissionGrant(id, scope string) *request {
	body := models.NewOAuth2PermissionGrant()
	body.SetOdataType(nil)
	body.SetScope(&scope)
	return (&request{op: opUpdatePermissionGrant, object: quote(id), method: http.MethodPatch, path: grantPath(id), repeatable: true, need: endpointUpdatePermissionGrant}).withBody(body)
}

// deletePermissionGrant is DELETE /oauth2PermissionGrants/{id}.
func deletePermissionGrant(id string) *request {
	return &request{op: opDeletePermissionGrant, object: quote(id), method: http.MethodDelete, path: grantPath(id), need: endpointDeletePermissionGrant}
}

// ServicePrincipal implements [directory.ConsentReader]: GET
// /servicePrincipals(appId='{appId}').
func (d *Directory) ServicePrincipal(ctx context.Context, appID string) (directory.ServicePrincipal, error) {
	r := getServicePrincipal(appID)
	if err := ctx.Err(); err != nil {
		return directory.ServicePrincipal{}, contextError(r.op, r.object, err)
	}
	if appID == "" {
		return directory.ServicePrincipal{}, invalidArgument(r.op, r.object, "empty appId")
	}
	a, err := d.do(ctx, r)
	if err != nil {
		return directory.ServicePrincipal{}, err
	}
	return readServicePrincipal(r, a)
}

// PermissionGrants implements [directory.ConsentReader]: GET
// /servicePrincipals(appId='{appId}')/oauth2PermissionGrants, following
// @odata.nextLink.
func (d *Directory) PermissionGrants(ctx context.Context, appID string) ([]directory.PermissionGrant, error) {
	r := listPermissionGrants(appID)
	if err := ctx.Err(); err != nil {
		return nil, contextError(r.op, r.object, err)
	}
	if appID == "" {
		return nil, invalidArgument(r.op, r.object, "empty appId")
	}
	return list(ctx, d, r, grants, nil)
}

// CreateServicePrincipal implements [directory.ConsentGranter]: POST
// /servicePrincipals with the body of Microsoft's documented example
// ({"appId": ...}).
func (d *Directory) CreateServicePrincipal(ctx context.Context, appID string) (directory.ServicePrincipal, error) {
	r := createServicePrincipal(appID)
	if err := ctx.Err(); err != nil {
		return directory.ServicePrincipal{}, contextError(r.op, r.object, err)
	}
	if appID == "" {
		return directory.ServicePrincipal{}, invalidArgument(r.op, r.object, "empty appId")
	}
	a, err := d.do(ctx, r)
	if err != nil {
		return directory.ServicePrincipal{}, err
	}
	sp, err := readServicePrincipal(r, a)
	if err != nil {
		return directory.ServicePrincipal{}, err
	}
	sp.AppID = firstNonEmpty(sp.AppID, appID)
	return sp, nil
}

// CreatePermissionGrant implements [directory.ConsentGranter]: POST
// /oauth2PermissionGrants.
func (d *Directory) CreatePermissionGrant(ctx context.Context, g directory.PermissionGrant) (directory.PermissionGrant, error) {
	r := createPermissionGrant(g)
	if err := ctx.Err(); err != nil {
		return g, contextError(r.op, r.object, err)
	}
	a, err := d.do(ctx, r)
	if err != nil {
		return g, err
	}
	m, err := decode[models.OAuth2PermissionGrantable](a.body, models.CreateOAuth2PermissionGrantFromDiscriminatorValue)
	if err != nil || m == nil || deref(m.GetId()) == "" {
		return g, unexpected(r.op, r.object, a.status, "no oAuth2PermissionGrant object")
	}
	got := grantFromModel(m)
	got.ClientID = firstNonEmpty(got.ClientID, g.ClientID)
	got.ConsentType = firstNonEmpty(got.ConsentType, g.ConsentType)
	got.PrincipalID = firstNonEmpty(got.PrincipalID, g.PrincipalID)
	got.ResourceID = firstNonEmpty(got.ResourceID, g.ResourceID)
	got.Scope = firstNonEmpty(got.Scope, g.Scope)
	return got, nil
}

// UpdatePermissionGrantScope implements [directory.ConsentGranter]: PATCH
// /oauth2PermissionGrants/{id} with the new scope; Graph answers 204.
func (d *Directory) UpdatePermissionGrantScope(ctx context.Context, id, scope string) error {
	r := updatePermissionGrant(id, scope)
	if err := ctx.Err(); err != nil {
		return contextError(r.op, r.object, err)
	}
	if id == "" {
		return invalidArgument(r.op, r.object, "empty grant ID")
	}
	_, err := d.do(ctx, r)
	return err
}

// DeletePermissionGrant implements [directory.ConsentGranter]: DELETE
// /oauth2PermissionGrants/{id}.
func (d *Directory) DeletePermissionGrant(ctx context.Context, id string) error {
	r := deletePermissionGrant(id)
	if err := ctx.Err(); err != nil {
		return contextError(r.op, r.object, err)
	}
	if id == "" {
		return invalidArgument(r.op, r.object, "empty grant ID")
	}
	_, err := d.do(ctx, r)
	return err
}

// consentItems are the $batch items that read the consent req asks for.
type consentItems struct{ client, resource, grants *batchItem }

func newConsentItems(req directory.ConsentRequest) consentItems {
	return consentItems{
		client:   item(getServicePrincipal(req.ClientAppID)),
		resource: item(getServicePrincipal(req.Resource())),
		grants:   item(listPermissionGrants(req.ClientAppID)),
	}
}

func (c consentItems) all() []*batchItem { return []*batchItem{c.client, c.resource, c.grants} }

// read decodes the items' answers (and the grants' pages after the first).
func (c consentItems) read(ctx context.Context, d *Directory) directory.Consent {
	var out directory.Consent
	out.Client, out.ClientErr = readServicePrincipalItem(c.client)
	out.Resource, out.ResourceErr = readServicePrincipalItem(c.resource)
	out.Grants, out.GrantsErr = readList(ctx, d, c.grants, grants)
	return out
}

func readServicePrincipalItem(it *batchItem) (directory.ServicePrincipal, error) {
	if err := it.error(); err != nil {
		return directory.ServicePrincipal{}, err
	}
	return readServicePrincipal(it.request, it.answer())
}

// readServicePrincipal decodes the service principal of an answer to r.
func readServicePrincipal(r *request, a *answer) (directory.ServicePrincipal, error) {
	m, err := decode[models.ServicePrincipalable](a.body, models.CreateServicePrincipalFromDiscriminatorValue)
	if err != nil || m == nil || deref(m.GetId()) == "" {
		return directory.ServicePrincipal{}, unexpected(r.op, r.object, a.status, "no servicePrincipal object")
	}
	return directory.ServicePrincipal{
		ID:             deref(m.GetId()),
		AppID:          deref(m.GetAppId()),
		DisplayName:    deref(m.GetDisplayName()),
		AccountEnabled: derefBool(m.GetAccountEnabled()),
	}, nil
}

var grants = collectionOf[models.OAuth2PermissionGrantCollectionResponseable](
	models.CreateOAuth2PermissionGrantCollectionResponseFromDiscriminatorValue, grantFromModel)

func grantFromModel(m models.OAuth2PermissionGrantable) directory.PermissionGrant {
	return directory.PermissionGrant{
		ID:          deref(m.GetId()),
		ClientID:    deref(m.GetClientId()),
		ConsentType: deref(m.GetConsentType()),
		PrincipalID: deref(m.GetPrincipalId()),
		ResourceID:  deref(m.GetResourceId()),
		Scope:       deref(m.GetScope()),
	}
}
