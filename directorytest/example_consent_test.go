package directorytest_test

import (
	"context"
	"fmt"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
)

// An administrator clicks "Grant admin consent" for an application, then
// disables it.
func ExampleFake_CreatePermissionGrant() {
	ctx := context.Background()
	f := directorytest.New(nil)
	const app = "0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f"
	sp, _ := f.CreateServicePrincipal(ctx, app)
	graph, _ := f.ServicePrincipal(ctx, directory.MicrosoftGraphAppID)
	g, err := f.CreatePermissionGrant(ctx, directory.PermissionGrant{
		ClientID: sp.ID, ConsentType: directory.ConsentAllPrincipals, ResourceID: graph.ID, Scope: "User.ReadWrite.All",
	})
	fmt.Println(g.ConsentType, g.Scope, err)
	_ = f.SetServicePrincipalEnabled(ctx, app, false)
	sp, _ = f.ServicePrincipal(ctx, app)
	fmt.Println(sp.AccountEnabled, len(f.AllPermissionGrants()))
	// Output:
	// AllPrincipals User.ReadWrite.All <nil>
	// false 1
}
