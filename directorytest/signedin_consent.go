package directorytest

import (
	"context"
	"fmt"

	"github.com/cloudhub/consent/directory"
)

var _ directory.ConsentReader = (*SignedIn)(nil)

// grantReaderRoles are the least privileged roles Microsoft Graph's page
// for listing a service principal's delegated permission grants names for
// a delegated caller
// (https://learn.microsoft.com/graph/api/serviceprincipal-list-oauth2permissiongrants),
// with those "List a user's oauth2PermissionGrants" adds
// (https://learn.microsoft.com/graph/api/user-list-oauth2permissiongrants),
// and Global Administrator.
var grantReaderRoles = []string{
	"Directory Readers", "Global Reader", "Application Developer", "Application Administrator",
	"Cloud Application Administrator", "Directory Writers", "User Administrator", "Privileged Role Administrator",
	"Guest Inviter", "Global Administrator",
}

// ServicePrincipal implements [directory.ConsentReader]: allowed when the
// public client app was granted Directory.Read.All (Application.Read.All
// is not modelled); a member user needs no role to read an application
// (Microsoft Entra's default user permissions).
func (s *SignedIn) ServicePrincipal(ctx context.Context, appID string) (directory.ServicePrincipal, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if err := s.f.begin(ctx, OpServicePrincipal, appID); err != nil {
		return directory.ServicePrincipal{}, err
	}
	if !s.has(ScopeDirectoryReadAll) {
		return directory.ServicePrincipal{}, s.denied(fmt.Sprintf("get service principal of application %q: the app was not granted Application.Read.All or %s", appID, ScopeDirectoryReadAll),
			directory.Requirement{Permissions: []string{"Application.Read.All", ScopeDirectoryReadAll}})
	}
	return s.f.servicePrincipal(appID)
}

// PermissionGrants implements [directory.ConsentReader]: allowed when the
// app was granted Directory.Read.All and the signed-in user holds one of
// the roles Microsoft's page names (grantReaderRoles); a member without
// one may not read grants, not even those naming it.
func (s *SignedIn) PermissionGrants(ctx context.Context, appID string) ([]directory.PermissionGrant, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if err := s.f.begin(ctx, OpPermissionGrants, appID); err != nil {
		return nil, err
	}
	req := directory.Requirement{Permissions: []string{ScopeDirectoryReadAll}, Roles: grantReaderRoles[:len(grantReaderRoles)-1]}
	if !s.has(ScopeDirectoryReadAll) {
		return nil, s.denied(fmt.Sprintf("list delegated permission grants of application %q: the app was not granted %s", appID, ScopeDirectoryReadAll), req)
	}
	if !s.holdsRole(grantReaderRoles) {
		return nil, s.denied(fmt.Sprintf("list delegated permission grants of application %q: the signed-in user holds none of the roles the list needs", appID), req)
	}
	return s.f.permissionGrants(appID)
}
