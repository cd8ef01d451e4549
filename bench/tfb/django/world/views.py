"""The six TechEmpower tests as Django views, through the ORM and the template engine."""

from operator import attrgetter
from random import randint

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from world.models import Fortune, World


def query_count(request):
    """Parse the queries parameter: missing or malformed means 1, clamped to 1..500."""
    try:
        n = int(request.GET.get("queries", "1"))
    except ValueError:
        return 1
    return min(max(n, 1), 500)


def plaintext(request):
    return HttpResponse(b"Hello, World!", content_type="text/plain")


def json(request):
    return JsonResponse({"message": "Hello, World!"})


def db(request):
    w = World.objects.get(id=randint(1, 10000))
    return JsonResponse({"id": w.id, "randomNumber": w.randomnumber})


def queries(request):
    worlds = [World.objects.get(id=randint(1, 10000)) for _ in range(query_count(request))]
    return JsonResponse([{"id": w.id, "randomNumber": w.randomnumber} for w in worlds], safe=False)


def fortunes(request):
    rows = list(Fortune.objects.all())
    rows.append(Fortune(id=0, message="Additional fortune added at request time."))
    rows.sort(key=attrgetter("message"))
    return render(request, "fortunes.html", {"fortunes": rows})


def updates(request):
    worlds = [World.objects.get(id=randint(1, 10000)) for _ in range(query_count(request))]
    for w in worlds:
        w.randomnumber = randint(1, 10000)
    # One statement updates every row; ordering by id keeps concurrent updates from
    # deadlocking on each other's row locks.
    World.objects.bulk_update(sorted(worlds, key=attrgetter("id")), ["randomnumber"])
    return JsonResponse([{"id": w.id, "randomNumber": w.randomnumber} for w in worlds], safe=False)
