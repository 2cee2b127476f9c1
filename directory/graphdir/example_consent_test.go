package graphdir_test

import (
	"context"
	"fmt"
	"log"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
)

func ExampleDirectory_PermissionGrants() {
	ctx := context.Background()
	srv := graphtest.NewServer(nil)
	defer srv.Close()
	dir, _ := graphdir.New(exampleCredential{}, &graphdir.Options{BaseURL: srv.URL})
	const app = "0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f"
	sp, err := dir.CreateServicePrincipal(ctx, app)
	if err != nil {
		log.Fatal(err)
	}
	graph, _ := dir.ServicePrincipal(ctx, directory.MicrosoftGraphAppID)
	g, _ := dir.CreatePermissionGrant(ctx, directory.PermissionGrant{
		ClientID: sp.ID, ConsentType: directory.ConsentAllPrincipals, ResourceID: graph.ID, Scope: "User.Read.All",
	})
	_ = dir.UpdatePermissionGrantScope(ctx, g.ID, "User.Read.All Group.Read.All")
	gs, _ := dir.PermissionGrants(ctx, app)
	fmt.Println(len(gs), gs[0].ConsentType, gs[0].Scopes())
	_ = dir.DeletePermissionGrant(ctx, g.ID)
	gs, _ = dir.PermissionGrants(ctx, app)
	fmt.Println(len(gs))
	// Output:
	// 1 AllPrincipals [User.Read.All Group.Read.All]
	// 0
}
