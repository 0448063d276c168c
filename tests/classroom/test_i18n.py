"""Every lesson text and page string has a Japanese translation in the committed catalog."""

from django.utils import translation

from lab.lessons import LESSONS

SAME_IN_BOTH = {"CrashLoopBackOff", "0", "1", "2", "4", "kubelet"}  # names and numbers read the same in Japanese


def lesson_texts():
    for lesson in LESSONS:
        yield lesson.title
        yield lesson.summary
        for step in lesson.steps:
            yield from (step.title, step.narration)
            if step.action_label:
                yield step.action_label
            if step.checkpoint:
                yield step.checkpoint.goal
            if step.question:
                yield from (step.question.prompt, step.question.why)
                yield from (label for _value, label in step.question.choices)


def test_every_lesson_text_is_translated_to_japanese():
    untranslated = []
    for text in lesson_texts():
        with translation.override("en"):
            english = str(text)
        with translation.override("ja"):
            japanese = str(text)
        if japanese == english and english not in SAME_IN_BOTH:
            untranslated.append(english)
    assert untranslated == []


def test_japanese_front_door(client, db):
    response = client.get("/classroom/", HTTP_ACCEPT_LANGUAGE="ja")
    body = response.content.decode()
    assert '<html lang="ja">' in body
    assert "クラスに参加" in body
    assert "参加コード" in body
