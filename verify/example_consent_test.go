package verify_test

import (
	"context"
	"fmt"
	"log"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
)

// Check the partner application's consent: an administrator consented for
// every user of the tenant, which passes with a warning.
func ExampleVerifier_Verify_partnerApp() {
	ctx := context.Background()
	tenant := directorytest.New(nil)
	app := &serviceaccount.PartnerApp{ClientID: "0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f", Scopes: []string{"User.ReadWrite.All"}}
	res, err := serviceaccount.New(tenant, nil).Provision(ctx, serviceaccount.Spec{
		UserPrincipalName: "svc-cloudhub@contoso.onmicrosoft.com", DisplayName: "CloudHub service account",
		UsageLocation: "AU", Workloads: []roles.Workload{roles.Teams}, Access: roles.Admin, PartnerApp: app,
	})
	if err != nil {
		log.Fatal(err)
	}
	sp, _ := tenant.CreateServicePrincipal(ctx, app.ClientID)
	graph, _ := tenant.ServicePrincipal(ctx, directory.MicrosoftGraphAppID)
	_, _ = tenant.CreatePermissionGrant(ctx, directory.PermissionGrant{
		ClientID: sp.ID, ConsentType: directory.ConsentAllPrincipals, ResourceID: graph.ID, Scope: "User.ReadWrite.All Mail.Read",
	})

	rep, err := verify.New(tenant, nil).Verify(ctx, res.Account)
	if err != nil {
		log.Fatal(err)
	}
	for _, id := range []string{verify.CheckConsentAppPresent, verify.CheckConsentScopes, verify.CheckConsentNoExtraScopes} {
		c, _ := rep.Check(id)
		fmt.Println(c.ID, c.Status)
	}
	// Output:
	// consent.app-present pass
	// consent.scopes warn
	// consent.no-extra-scopes warn
}
