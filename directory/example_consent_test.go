package directory_test

import (
	"context"
	"fmt"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
)

func ExampleReadConsent() {
	ctx := context.Background()
	dir := directorytest.New(nil)
	const app = "0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f"
	c := directory.ReadConsent(ctx, dir, directory.ConsentRequest{ClientAppID: app})
	fmt.Println(c.Resource.DisplayName, "/", c.ClientErr)

	sp, _ := dir.CreateServicePrincipal(ctx, app)
	_, _ = dir.CreatePermissionGrant(ctx, directory.PermissionGrant{
		ClientID: sp.ID, ConsentType: directory.ConsentAllPrincipals, ResourceID: c.Resource.ID, Scope: "User.Read.All",
	})
	c = directory.ReadConsent(ctx, dir, directory.ConsentRequest{ClientAppID: app})
	for _, g := range c.Grants {
		fmt.Println(g.ConsentType, g.Scopes())
	}
	// Output:
	// Microsoft Graph / directorytest: service principal of application "0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f": directory: not found
	// AllPrincipals [User.Read.All]
}

func ExampleSplitScopes() {
	scopes := directory.SplitScopes("User.Read  Group.Read.All user.read")
	fmt.Println(scopes, len(scopes))
	fmt.Printf("%q\n", directory.JoinScopes(scopes))
	// Output:
	// [User.Read Group.Read.All] 2
	// "User.Read Group.Read.All"
}
