from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('export', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='exportrecord',
            name='format',
            field=models.CharField(choices=[('pdf', 'Map report (PDF)'), ('png', 'Map grid (PNG)'), ('csv', 'Map items (CSV)'), ('persona_pdf', 'Persona sheet (PDF)'), ('features_csv', 'Features by priority (CSV)')], max_length=20),
        ),
    ]
