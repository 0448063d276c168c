from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('lab', '0008_history'),
    ]

    operations = [
        migrations.CreateModel(
            name='PriorityClass',
            fields=[
            ],
            options={
                'verbose_name': 'priority class',
                'verbose_name_plural': 'priority class',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('lab.kubeobject',),
        ),
    ]
