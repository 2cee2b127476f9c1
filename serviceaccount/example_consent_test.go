package serviceaccount_test

import (
	"context"
	"fmt"

	"github.com/cloudhub/consent/serviceaccount"
)

var partnerApp = serviceaccount.PartnerApp{
	ClientID: "0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f",
	Scopes:   []string{"User.ReadWrite.All", "Group.ReadWrite.All"},
}

// Grant the partner application's scopes to the service account alone.
func ExampleSpec_grantConsent() {
	p := serviceaccount.New(demoTenant(), nil)
	spec := demoSpec()
	app := partnerApp
	spec.PartnerApp, spec.GrantConsent = &app, true
	res, err := p.Provision(context.Background(), spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range res.Changes {
		fmt.Println(c.Action, c.Object)
	}
	fmt.Println(res.Consent)
	// Output:
	// create-user svc-cloudhub@contoso.onmicrosoft.com
	// create-service-principal 0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f
	// grant-consent 0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f
	// assign-role Exchange Administrator
	// assign-role Teams Administrator
	// consent of application 0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f for User.ReadWrite.All Group.ReadWrite.All: granted to this account (grant 55555555-0000-4000-8000-000000000003)
}

// Without Spec.GrantConsent, Plan says what is missing and where an
// administrator can consent (for every user of the tenant).
func ExampleConsentStatus() {
	p := serviceaccount.New(demoTenant(), nil)
	spec := demoSpec()
	app := partnerApp
	spec.PartnerApp = &app
	plan, err := p.Plan(context.Background(), spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(plan.Consent.Missing)
	fmt.Println(plan.Consent.AdminConsentURL)
	// Output:
	// [User.ReadWrite.All Group.ReadWrite.All]
	// https://login.microsoftonline.com/contoso.onmicrosoft.com/adminconsent?client_id=0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f
}

func ExamplePartnerApp_AdminConsentURL() {
	fmt.Println(partnerApp.AdminConsentURL("https://login.microsoftonline.us/", "contoso.onmicrosoft.us"))
	// Output:
	// https://login.microsoftonline.us/contoso.onmicrosoft.us/adminconsent?client_id=0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f
}

func ExamplePartnerApp_Validate() {
	app := serviceaccount.PartnerApp{ClientID: "cloudhub", Scopes: []string{"User.Read Group.Read.All"}}
	fmt.Println(app.Validate())
	// Output:
	// serviceaccount: PartnerApp.ClientID "cloudhub": is not an application (client) ID (a GUID)
	// serviceaccount: PartnerApp.Scopes[0] "User.Read Group.Read.All": contains a space: give each scope as its own entry
}
