import factory

from clinic.models import User
from clinic.roles import Role
from clinic.services import user_create


class UserFactory(factory.django.DjangoModelFactory):
    """A person with one role, made through the same service the application uses."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.PATIENT
    password = "correct horse battery staple"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return user_create(**kwargs)
