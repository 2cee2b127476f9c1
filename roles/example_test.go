package roles_test

import (
	"errors"
	"fmt"

	"github.com/cloudhub/consent/roles"
)

func ExampleAll() {
	all := roles.All()
	privileged := 0
	for _, r := range all {
		if r.Privileged {
			privileged++
		}
	}
	fmt.Printf("%d built-in roles, %d privileged\n", len(all), privileged)
	fmt.Println("first:", all[0].Name)
	// Output:
	// 136 built-in roles, 34 privileged
	// first: AI Administrator
}

func ExampleLookup() {
	for _, s := range []string{
		"62E90394-69F5-4237-9190-012177145E10",
		"  teams administrator ",
		"Company Administrator", // former name
		"Teams Admin",
	} {
		r, ok := roles.Lookup(s)
		fmt.Printf("%q: %v %s %s privileged=%v\n", s, ok, r.ID, r.Name, r.Privileged)
	}
	// Output:
	// "62E90394-69F5-4237-9190-012177145E10": true 62e90394-69f5-4237-9190-012177145e10 Global Administrator privileged=true
	// "  teams administrator ": true 69091246-20e8-4a56-aa4d-066075b2a7a8 Teams Administrator privileged=false
	// "Company Administrator": true 62e90394-69f5-4237-9190-012177145e10 Global Administrator privileged=true
	// "Teams Admin": false   privileged=false
}

func ExampleForWorkloads() {
	set, err := roles.ForWorkloads(roles.ReadOnly, roles.Teams, roles.TeamsVoice, roles.Exchange)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range set {
		fmt.Printf("%s %s privileged=%v\n", r.ID, r.Name, r.Privileged)
	}

	_, err = roles.ForWorkloads(roles.ReadOnly, roles.Compliance)
	fmt.Println(err)
	fmt.Println(errors.Is(err, roles.ErrNoReadOnlyRole))
	// Output:
	// f2ef992c-3afb-46b9-b7cf-a126ee74c451 Global Reader privileged=true
	// 1076ac91-f3d9-41a7-a339-dcdf5f480acc Teams Reader privileged=false
	// roles: workload "compliance" has no read-only role
	// true
}

func ExampleWorkloads() {
	for _, w := range roles.Workloads() {
		if len(w.ReadOnly) == 0 {
			fmt.Printf("%s (%s): admin %s, no read-only role\n", w.Workload, w.DisplayName, w.Admin[0].Name)
		}
	}
	// Output:
	// compliance (Compliance / Microsoft Purview): admin Compliance Administrator, no read-only role
	// power-platform (Power Platform): admin Power Platform Administrator, no read-only role
	// dynamics365 (Dynamics 365): admin Dynamics 365 Administrator, no read-only role
	// fabric (Fabric / Power BI): admin Fabric Administrator, no read-only role
}

func ExampleParseWorkloads() {
	ws, err := roles.ParseWorkloads(" Teams, EXCHANGE,teams ")
	fmt.Printf("%q %v\n", ws, err)

	_, err = roles.ParseWorkloads("teams,teamz")
	fmt.Println(errors.Is(err, roles.ErrUnknownWorkload))
	// Output:
	// ["teams" "exchange"] <nil>
	// true
}

func ExampleParseWorkload() {
	w, err := roles.ParseWorkload(" SharePoint ")
	fmt.Println(w == roles.SharePoint, err)
	// Output:
	// true <nil>
}

func ExampleParseAccess() {
	a, err := roles.ParseAccess("Read-Only")
	fmt.Println(a, a == roles.ReadOnly, err)
	// Output:
	// read-only true <nil>
}

func ExampleHighlyPrivileged() {
	for _, r := range roles.HighlyPrivileged() {
		fmt.Println(r.Name, r.Privileged)
	}
	fmt.Println(roles.IsHighlyPrivileged("Exchange Administrator"), roles.IsHighlyPrivileged("29232cdf-9323-42fd-ade2-1d097af3e4de"), roles.IsHighlyPrivileged("Teams Administrator"))
	fmt.Println(roles.HighlyPrivilegedAsOf)
	// Output:
	// Global Administrator true
	// Privileged Role Administrator true
	// User Administrator true
	// SharePoint Administrator false
	// Exchange Administrator false
	// Hybrid Identity Administrator true
	// Application Administrator true
	// Cloud Application Administrator true
	// true true false
	// 2026-11-30
}
