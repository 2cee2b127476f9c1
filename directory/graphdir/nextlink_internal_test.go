package graphdir

import (
	"testing"
)

// A nextLink at the selected cloud's service root is moved onto the base
// URL when the base URL is another; every other link is left as it is (and
// then refused by the token provider).
func TestNextLink(t *testing.T) {
	const proxy = "https://proxy.example.com/graph/v1.0"
	for _, tc := range []struct {
		name  string
		cloud Cloud
		base  string
		link  string
		want  string
	}{
		{"default base: unchanged", Global, "", "https://graph.microsoft.com/v1.0/domains?$skiptoken=x", "https://graph.microsoft.com/v1.0/domains?$skiptoken=x"},
		{"proxy", Global, proxy, "https://graph.microsoft.com/v1.0/domains?$skiptoken=x", proxy + "/domains?$skiptoken=x"},
		{"proxy, query kept as written", Global, proxy,
			"https://graph.microsoft.com/v1.0/roleManagement/directory/roleAssignments?$filter=principalId%20eq%20'o''b'&$skiptoken=a%2Bb",
			proxy + "/roleManagement/directory/roleAssignments?$filter=principalId%20eq%20'o''b'&$skiptoken=a%2Bb"},
		{"trailing slash on the base", Global, proxy + "/", "https://graph.microsoft.com/v1.0/domains?$skiptoken=x", proxy + "/domains?$skiptoken=x"},
		{"loopback base", Global, "http://127.0.0.1:8080/v1.0", "https://graph.microsoft.com/v1.0/users/a%40b/authentication/methods?$skiptoken=x", "http://127.0.0.1:8080/v1.0/users/a%40b/authentication/methods?$skiptoken=x"},
		{"host and scheme in another case", Global, proxy, "HTTPS://Graph.Microsoft.COM/v1.0/domains?$skiptoken=x", proxy + "/domains?$skiptoken=x"},
		{"explicit port 443", Global, proxy, "https://graph.microsoft.com:443/v1.0/domains", proxy + "/domains"},
		{"query right after the root", Global, proxy, "https://graph.microsoft.com/v1.0?$skiptoken=x", proxy + "?$skiptoken=x"},
		{"US Government L4", USGovL4, proxy, "https://graph.microsoft.us/v1.0/domains?$skiptoken=x", proxy + "/domains?$skiptoken=x"},
		{"China", China, proxy, "https://microsoftgraph.chinacloudapi.cn/v1.0/domains?$skiptoken=x", proxy + "/domains?$skiptoken=x"},

		{"another cloud's host", Global, proxy, "https://graph.microsoft.us/v1.0/domains?$skiptoken=x", "https://graph.microsoft.us/v1.0/domains?$skiptoken=x"},
		{"the global host from another cloud", USGovL4, proxy, "https://graph.microsoft.com/v1.0/domains", "https://graph.microsoft.com/v1.0/domains"},
		{"foreign host", Global, proxy, "https://evil.example.com/v1.0/domains", "https://evil.example.com/v1.0/domains"},
		{"look-alike host", Global, proxy, "https://graph.microsoft.com.evil.example.com/v1.0/domains", "https://graph.microsoft.com.evil.example.com/v1.0/domains"},
		{"user information", Global, proxy, "https://evil@graph.microsoft.com/v1.0/domains", "https://evil@graph.microsoft.com/v1.0/domains"},
		{"plain http", Global, proxy, "http://graph.microsoft.com/v1.0/domains", "http://graph.microsoft.com/v1.0/domains"},
		{"another port", Global, proxy, "https://graph.microsoft.com:8443/v1.0/domains", "https://graph.microsoft.com:8443/v1.0/domains"},
		{"another version", Global, proxy, "https://graph.microsoft.com/beta/domains", "https://graph.microsoft.com/beta/domains"},
		{"a longer segment", Global, proxy, "https://graph.microsoft.com/v1.00/domains", "https://graph.microsoft.com/v1.00/domains"},
		{"no path", Global, proxy, "https://graph.microsoft.com?x=/v1.0/domains", "https://graph.microsoft.com?x=/v1.0/domains"},
		{"relative", Global, proxy, "/v1.0/domains", "/v1.0/domains"},
		{"unparsable", Global, proxy, "https://graph.microsoft.com:x/v1.0/domains", "https://graph.microsoft.com:x/v1.0/domains"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := (&Options{Cloud: tc.cloud, BaseURL: tc.base}).config()
			if err != nil {
				t.Fatal(err)
			}
			d := &Directory{base: cfg.base, cfg: cfg}
			if got := d.nextLink(tc.link); got != tc.want {
				t.Errorf("nextLink(%q) = %q, want %q", tc.link, got, tc.want)
			}
		})
	}
}
