package graphdir

import (
	"strings"
	"sync"
)

// upnCache remembers the object IDs of userPrincipalNames it has seen, so
// that Snapshot can list a user's role assignments (which Graph filters by
// principal ID only) in the same $batch as the user. It is bounded: past its
// size it forgets the oldest entries. A stale entry costs a second round
// trip, never a wrong answer: Snapshot checks the ID of the user it reads.
type upnCache struct {
	mu    sync.Mutex
	ids   map[string]string // lower-case UPN -> object ID
	order []string          // ring of keys, oldest at next
	next  int
	max   int
}

func newUPNCache(max int) *upnCache {
	return &upnCache{ids: make(map[string]string), max: max}
}

func (c *upnCache) get(upn string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ids[strings.ToLower(upn)]
}

func (c *upnCache) put(upn, id string) {
	if upn == "" || id == "" {
		return
	}
	key := strings.ToLower(upn)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.ids[key]; ok {
		c.ids[key] = id
		return
	}
	if len(c.order) < c.max {
		c.order = append(c.order, key)
	} else {
		delete(c.ids, c.order[c.next])
		c.order[c.next] = key
		c.next = (c.next + 1) % c.max
	}
	c.ids[key] = id
}

// forget drops the entry of a UPN.
func (c *upnCache) forget(upn string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.ids, strings.ToLower(upn))
}

// forgetID drops every entry that maps to id (a deleted user).
func (c *upnCache) forgetID(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, v := range c.ids {
		if v == id {
			delete(c.ids, k)
		}
	}
}
