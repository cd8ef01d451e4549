package main

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
)

// The RSS 2.0 document (https://www.rssboard.org/rss-specification), with the Atom
// self link that feed validators ask for. encoding/xml escapes every text, and replaces
// characters XML cannot carry.
type rss struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language"`
	LastBuildDate string    `xml:"lastBuildDate,omitempty"`
	Self          atomLink  `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssItem struct {
	Title       string   `xml:"title"`
	Link        string   `xml:"link"`
	GUID        rssGUID  `xml:"guid"`
	PubDate     string   `xml:"pubDate"`
	Categories  []string `xml:"category"`
	Description string   `xml:"description"` // the body as HTML, escaped as RSS wants
}

type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

// feedSize is the number of posts in the feed.
const feedSize = 20

// feed answers /feed.xml: the latest posts as RSS 2.0, their bodies rendered from
// Markdown by the same helper as the pages.
func (b *blog) feed(c *web.Ctx) error {
	posts, err := orm.Q[Post](c).OrderBy("-created_at", "-id").Prefetch("Tags").Limit(feedSize).All()
	if err != nil {
		return err
	}
	base := b.siteURL(c)
	doc := rss{Version: "2.0", Atom: "http://www.w3.org/2005/Atom", Channel: rssChannel{
		Title:       "Sinew blog",
		Link:        base + "/",
		Description: "The latest posts of the Sinew blog.",
		Language:    "en",
		Self:        atomLink{Href: base + "/feed.xml", Rel: "self", Type: "application/rss+xml"},
	}}
	var updated time.Time // the latest change among the posts of the feed
	var body bytes.Buffer
	for _, p := range posts {
		body.Reset()
		if err := b.views.Render(c, &body, "feed/item.html", p); err != nil {
			return err
		}
		link := base + "/posts/" + strconv.FormatInt(p.ID, 10)
		item := rssItem{
			Title: p.Title, Link: link, GUID: rssGUID{IsPermaLink: true, Value: link},
			PubDate: p.CreatedAt.UTC().Format(time.RFC1123Z), Description: body.String(),
		}
		for _, t := range p.Tags {
			item.Categories = append(item.Categories, t.Name)
		}
		doc.Channel.Items = append(doc.Channel.Items, item)
		if p.UpdatedAt.After(updated) {
			updated = p.UpdatedAt
		}
	}
	if !updated.IsZero() {
		doc.Channel.LastBuildDate = updated.UTC().Format(time.RFC1123Z)
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/rss+xml; charset=utf-8", append([]byte(xml.Header), out...))
}

// siteURL is the blog's public URL for the feed's absolute links: Config.BaseURL
// (SINEW_BASE_URL; set it in production, where the Host header is the client's to
// choose), else the request's scheme and host.
func (b *blog) siteURL(c *web.Ctx) string {
	if b.baseURL != "" {
		return strings.TrimSuffix(b.baseURL, "/")
	}
	if c.Secure() {
		return "https://" + c.Request.Host
	}
	return "http://" + c.Request.Host
}
