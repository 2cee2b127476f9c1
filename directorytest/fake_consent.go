package directorytest

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cloudhub/consent/directory"
)

// Operations of the consent capability ([directory.ConsentReader],
// [directory.ConsentGranter]).
const (
	OpServicePrincipal       Op = "ServicePrincipal"
	OpPermissionGrants       Op = "PermissionGrants"
	OpCreateServicePrincipal Op = "CreateServicePrincipal"
	OpCreatePermissionGrant  Op = "CreatePermissionGrant"
	OpUpdatePermissionGrant  Op = "UpdatePermissionGrant"
	OpDeletePermissionGrant  Op = "DeletePermissionGrant"
)

const (
	kindServicePrincipal = 0x44444444
	kindPermissionGrant  = 0x55555555
	// graphServicePrincipalID is the object ID of Microsoft Graph's
	// service principal in the fake tenant (it differs between tenants).
	graphServicePrincipalID = "44444444-0000-4000-8000-00000000a11a"
)

var (
	_ directory.ConsentReader  = (*Fake)(nil)
	_ directory.ConsentGranter = (*Fake)(nil)
)

// consentStore holds the tenant's service principals and delegated
// permission grants. Its zero value is a tenant with Microsoft Graph's
// service principal only, as every tenant has.
type consentStore struct {
	sps    []directory.ServicePrincipal // in creation order
	grants []directory.PermissionGrant  // in creation order
}

// init seeds Microsoft Graph's service principal. It must be called with
// f.mu held.
func (c *consentStore) init() {
	if c.sps == nil {
		c.sps = []directory.ServicePrincipal{{
			ID: graphServicePrincipalID, AppID: directory.MicrosoftGraphAppID,
			DisplayName: "Microsoft Graph", AccountEnabled: true,
		}}
	}
}

func (c *consentStore) byAppID(appID string) (int, bool) {
	c.init()
	i := slices.IndexFunc(c.sps, func(sp directory.ServicePrincipal) bool { return strings.EqualFold(sp.AppID, appID) })
	return i, i >= 0
}

func (c *consentStore) byID(id string) (int, bool) {
	c.init()
	i := slices.IndexFunc(c.sps, func(sp directory.ServicePrincipal) bool { return strings.EqualFold(sp.ID, id) })
	return i, i >= 0
}

func (c *consentStore) grant(id string) int {
	return slices.IndexFunc(c.grants, func(g directory.PermissionGrant) bool { return g.ID == id })
}

// ServicePrincipal implements [directory.ConsentReader].
func (f *Fake) ServicePrincipal(ctx context.Context, appID string) (directory.ServicePrincipal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpServicePrincipal, appID); err != nil {
		return directory.ServicePrincipal{}, err
	}
	return f.servicePrincipal(appID)
}

func (f *Fake) servicePrincipal(appID string) (directory.ServicePrincipal, error) {
	if appID == "" {
		return directory.ServicePrincipal{}, invalid("get service principal: empty appId")
	}
	i, ok := f.consent.byAppID(appID)
	if !ok {
		return directory.ServicePrincipal{}, notFound("service principal of application", appID)
	}
	return f.consent.sps[i], nil
}

// PermissionGrants implements [directory.ConsentReader].
func (f *Fake) PermissionGrants(ctx context.Context, appID string) ([]directory.PermissionGrant, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpPermissionGrants, appID); err != nil {
		return nil, err
	}
	return f.permissionGrants(appID)
}

func (f *Fake) permissionGrants(appID string) ([]directory.PermissionGrant, error) {
	sp, err := f.servicePrincipal(appID)
	if err != nil {
		return nil, err
	}
	out := []directory.PermissionGrant{}
	for _, g := range f.consent.grants {
		if strings.EqualFold(g.ClientID, sp.ID) {
			out = append(out, g)
		}
	}
	return out, nil
}

// consentSnapshot reads the consent part of a snapshot, consulting the
// fault hook for each read it stands for. It must be called with f.mu held.
func (f *Fake) consentSnapshot(req directory.ConsentRequest) directory.Consent {
	var c directory.Consent
	if c.ClientErr = f.faultFor(OpServicePrincipal, req.ClientAppID); c.ClientErr == nil {
		c.Client, c.ClientErr = f.servicePrincipal(req.ClientAppID)
	}
	if c.ResourceErr = f.faultFor(OpServicePrincipal, req.Resource()); c.ResourceErr == nil {
		c.Resource, c.ResourceErr = f.servicePrincipal(req.Resource())
	}
	if c.GrantsErr = f.faultFor(OpPermissionGrants, req.ClientAppID); c.GrantsErr == nil {
		c.Grants, c.GrantsErr = f.permissionGrants(req.ClientAppID)
	}
	return c
}

// CreateServicePrincipal implements [directory.ConsentGranter]. The fake
// instantiates any application ID (a real tenant only those of
// multi-tenant applications); the display name is "Application {appID}".
func (f *Fake) CreateServicePrincipal(ctx context.Context, appID string) (directory.ServicePrincipal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpCreateServicePrincipal, appID); err != nil {
		return directory.ServicePrincipal{}, err
	}
	if !directory.IsObjectID(appID) {
		return directory.ServicePrincipal{}, invalid("create service principal %q: appId must be an application (client) ID, a GUID", appID)
	}
	if _, ok := f.consent.byAppID(appID); ok {
		return directory.ServicePrincipal{}, fmt.Errorf("directorytest: create service principal %q: the application has a service principal: %w", appID, directory.ErrExists)
	}
	sp := directory.ServicePrincipal{ID: f.newID(kindServicePrincipal), AppID: strings.ToLower(appID), DisplayName: "Application " + appID, AccountEnabled: true}
	f.consent.sps = append(f.consent.sps, sp)
	return sp, nil
}

// CreatePermissionGrant implements [directory.ConsentGranter].
func (f *Fake) CreatePermissionGrant(ctx context.Context, g directory.PermissionGrant) (directory.PermissionGrant, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	what := fmt.Sprintf("grant of client %q to resource %q for %s %q", g.ClientID, g.ResourceID, g.ConsentType, g.PrincipalID)
	if err := f.begin(ctx, OpCreatePermissionGrant, g.ClientID+"/"+g.PrincipalID); err != nil {
		return g, err
	}
	switch g.ConsentType {
	case directory.ConsentPrincipal:
		if g.PrincipalID == "" {
			return g, invalid("create %s: principalId is required for consentType Principal", what)
		}
		u, ok := f.replicated(g.PrincipalID)
		if !ok {
			return g, fmt.Errorf("directorytest: create %s: principal %q: %w", what, g.PrincipalID, directory.ErrNotFound)
		}
		g.PrincipalID = u.user.ID
	case directory.ConsentAllPrincipals:
		if g.PrincipalID != "" {
			return g, invalid("create %s: principalId must be empty for consentType AllPrincipals", what)
		}
	default:
		return g, invalid("create %s: consentType %q is not Principal or AllPrincipals", what, g.ConsentType)
	}
	ci, ok := f.consent.byID(g.ClientID)
	if !ok {
		return g, fmt.Errorf("directorytest: create %s: client service principal %q: %w", what, g.ClientID, directory.ErrNotFound)
	}
	ri, ok := f.consent.byID(g.ResourceID)
	if !ok {
		return g, fmt.Errorf("directorytest: create %s: resource service principal %q: %w", what, g.ResourceID, directory.ErrNotFound)
	}
	g.ClientID, g.ResourceID = f.consent.sps[ci].ID, f.consent.sps[ri].ID
	for _, o := range f.consent.grants {
		if o.ClientID == g.ClientID && o.ResourceID == g.ResourceID && o.ConsentType == g.ConsentType && o.PrincipalID == g.PrincipalID {
			return g, fmt.Errorf("directorytest: create %s: a grant for the same client, resource and principal exists (%s): %w", what, o.ID, directory.ErrExists)
		}
	}
	g.ID = f.newID(kindPermissionGrant)
	f.consent.grants = append(f.consent.grants, g)
	return g, nil
}

// UpdatePermissionGrantScope implements [directory.ConsentGranter].
func (f *Fake) UpdatePermissionGrantScope(ctx context.Context, id, scope string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpUpdatePermissionGrant, id); err != nil {
		return err
	}
	i := f.consent.grant(id)
	if i < 0 {
		return notFound("permission grant", id)
	}
	f.consent.grants[i].Scope = scope
	return nil
}

// DeletePermissionGrant implements [directory.ConsentGranter].
func (f *Fake) DeletePermissionGrant(ctx context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpDeletePermissionGrant, id); err != nil {
		return err
	}
	i := f.consent.grant(id)
	if i < 0 {
		return notFound("permission grant", id)
	}
	f.consent.grants = slices.Delete(f.consent.grants, i, i+1)
	return nil
}

// SetServicePrincipalEnabled acts out an administrator enabling or
// disabling an application's sign-ins in the tenant (Enterprise
// applications > Properties > Enabled for users to sign in).
func (f *Fake) SetServicePrincipalEnabled(ctx context.Context, appID string, enabled bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, ok := f.consent.byAppID(appID)
	if !ok {
		return notFound("service principal of application", appID)
	}
	f.consent.sps[i].AccountEnabled = enabled
	return nil
}

// AllPermissionGrants returns every delegated permission grant of the
// tenant, in creation order, for tests that check the directory's state
// itself.
func (f *Fake) AllPermissionGrants() []directory.PermissionGrant {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.consent.grants)
}

// consentRequirements is the permissions table of each consent
// operation's Microsoft Learn page (see requirements).
var consentRequirements = map[Op]directory.Requirement{
	// https://learn.microsoft.com/graph/api/serviceprincipal-get
	OpServicePrincipal: {Permissions: []string{"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All"}},
	// https://learn.microsoft.com/graph/api/serviceprincipal-list-oauth2permissiongrants
	OpPermissionGrants: {
		Permissions: []string{"Directory.Read.All", "DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All"},
		Roles:       []string{"Directory Readers", "Global Reader", "Application Administrator", "Cloud Application Administrator"},
	},
	// https://learn.microsoft.com/graph/api/serviceprincipal-post-serviceprincipals
	OpCreateServicePrincipal: {Permissions: []string{"Application.ReadWrite.All", "Directory.ReadWrite.All"}, Roles: []string{"Cloud Application Administrator", "Application Administrator"}},
	// https://learn.microsoft.com/graph/api/oauth2permissiongrant-post
	OpCreatePermissionGrant: {Permissions: []string{"DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All"}, Roles: []string{"Cloud Application Administrator", "Application Administrator"}},
	// https://learn.microsoft.com/graph/api/oauth2permissiongrant-update
	OpUpdatePermissionGrant: {Permissions: []string{"DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All"}, Roles: []string{"Cloud Application Administrator", "Application Administrator"}},
	// https://learn.microsoft.com/graph/api/oauth2permissiongrant-delete
	OpDeletePermissionGrant: {Permissions: []string{"DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All"}, Roles: []string{"Cloud Application Administrator", "Application Administrator"}},
}
