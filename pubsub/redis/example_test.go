package redis_test

import (
	"context"
	"log"

	"github.com/sinewdev/sinew/pubsub/redis"
)

// Redis pub/sub ignores the database number: the namespace keeps apps apart.
func ExampleOpen() {
	ctx := context.Background()
	broker, err := redis.Open(ctx, "rediss://:secret@cache.internal:6380/0?namespace=shop")
	if err != nil {
		log.Fatal(err)
	}
	defer broker.Close()

	sub, err := broker.Subscribe(ctx, "orders.created")
	if err != nil {
		log.Fatal(err)
	}
	if err := broker.Publish(ctx, "orders.created", []byte(`{"id":42}`)); err != nil {
		log.Fatal(err)
	}
	m, err := sub.Next(ctx)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("%s: %s", m.Channel, m.Payload)
}
