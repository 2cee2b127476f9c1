package graphtest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
)

type credential struct{}

func (credential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "t", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// The server records every round trip, with the requests inside each $batch.
func ExampleNewServer() {
	srv := graphtest.NewServer(nil)
	defer srv.Close()
	dir, err := graphdir.New(credential{}, &graphdir.Options{BaseURL: srv.URL})
	if err != nil {
		log.Fatal(err)
	}
	_, err = dir.Snapshot(context.Background(), directory.SnapshotRequest{
		User: "11111111-0000-4000-8000-000000000001", RoleAssignments: true, Domains: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path)
		for _, b := range r.Batch {
			fmt.Println("  ", b.ID, b.Endpoint)
		}
	}
	// Output:
	// POST /$batch
	//    1 GET /users/{id}
	//    2 GET /roleManagement/directory/roleAssignments
	//    3 GET /domains
}

// Faults are injected with small methods: here a permission the credential
// lacks, and throttling with a fractional Retry-After.
func ExampleServer_DenyPermission() {
	srv := graphtest.NewServer(nil)
	defer srv.Close()
	srv.DenyPermission(graphtest.ListDomains)
	srv.ThrottleNext(1, "0.01")
	dir, err := graphdir.New(credential{}, &graphdir.Options{BaseURL: srv.URL})
	if err != nil {
		log.Fatal(err)
	}
	_, err = dir.Domains(context.Background())
	fmt.Println(errors.Is(err, directory.ErrPermission))
	fmt.Println("round trips:", len(srv.Requests()))
	// Output:
	// true
	// round trips: 2
}
