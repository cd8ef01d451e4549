package main

import "github.com/sinewdev/sinew/orm"

// Message is one chat message, stored so that a room's history survives restarts and is
// the same on every instance.
type Message struct {
	orm.Model
	Room   string `orm:"size=32,index" json:"room"`
	Author string `orm:"size=32" json:"author"`
	Text   string `orm:"size=2000" json:"text"`
}
