package postgres_test

import (
	"context"
	"log"

	"github.com/sinewdev/sinew/pubsub/postgres"
)

// Every instance opening the same database (and namespace) shares messages.
func ExampleOpen() {
	ctx := context.Background()
	broker, err := postgres.Open(ctx, "postgres://app@db.internal:5432/app?sslmode=verify-full&namespace=shop")
	if err != nil {
		log.Fatal(err)
	}
	defer broker.Close()

	orders, err := broker.SubscribePattern(ctx, "orders.>")
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		for m := range orders.Messages() {
			log.Printf("%s: %s", m.Channel, m.Payload)
		}
	}()
	// At most postgres.MaxPayload (5800) bytes: publish the order's key, not the order.
	if err := broker.Publish(ctx, "orders.created", []byte(`{"id":42}`)); err != nil {
		log.Fatal(err)
	}
}
